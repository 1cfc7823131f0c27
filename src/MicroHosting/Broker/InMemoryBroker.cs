namespace MicroHosting.Broker;

/// <summary>
/// A broker inside this process, for tests and demos. Share one instance between hosts in the same process to make
/// them exchange messages (<c>builder.Services.AddMicro().UseBroker(broker)</c>). Delivery is synchronous:
/// <see cref="PublishAsync"/> returns once every receiving handler ran, and throws a <see cref="MicroException"/> (500)
/// naming the failures if a handler threw. Broadcast subscriptions all receive a message; each queue group gets it once,
/// on a random member, and a member whose handler throws is followed by the next one. Nothing survives the process.
/// </summary>
public sealed class InMemoryBroker : IBroker
{
    private readonly Lock _gate = new();
    private Subscription[] _subscriptions = [];

    /// <inheritdoc />
    public string Name => "memory";

    /// <inheritdoc />
    public async ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        var subscriptions = Array.FindAll(Volatile.Read(ref _subscriptions), s => string.Equals(s.Topic, topic, StringComparison.Ordinal));
        var failures = new List<string>();
        foreach (var subscription in subscriptions.Where(s => s.Queue is null))
        {
            if (await TryDeliverAsync(subscription, topic, message, cancellationToken).ConfigureAwait(false) is { } failure)
            {
                failures.Add(failure);
            }
        }

        foreach (var group in subscriptions.Where(s => s.Queue is not null).GroupBy(s => s.Queue, StringComparer.Ordinal))
        {
            var members = group.ToArray();
            Random.Shared.Shuffle(members);
            string? failure = null;
            foreach (var member in members)
            {
                failure = await TryDeliverAsync(member, topic, message, cancellationToken).ConfigureAwait(false);
                if (failure is null)
                {
                    break;
                }
            }

            if (failure is not null)
            {
                failures.Add(failure);
            }
        }

        if (failures.Count > 0)
        {
            throw MicroException.InternalServerError("go.micro.broker", $"delivery of a message of {topic} failed: {string.Join("; ", failures)}");
        }
    }

    /// <inheritdoc />
    public ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        var subscription = new Subscription(this, topic, options?.Queue, handler);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return ValueTask.FromResult<IBrokerSubscription>(subscription);
    }

    private static async ValueTask<string?> TryDeliverAsync(Subscription subscription, string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await subscription.Handler(topic, message, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return $"{subscription.Queue ?? "broadcast"} subscriber: {ex.Message}";
        }
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = Array.FindAll(_subscriptions, s => s != subscription);
        }
    }

    private sealed class Subscription(InMemoryBroker broker, string topic, string? queue, BrokerHandler handler) : IBrokerSubscription
    {
        public string Topic { get; } = topic;

        public string? Queue { get; } = queue;

        public BrokerHandler Handler { get; } = handler;

        public ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default)
        {
            broker.Remove(this);
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => UnsubscribeAsync();
    }
}
