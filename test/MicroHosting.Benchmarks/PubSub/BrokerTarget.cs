using MicroHosting.Broker;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>
/// MicroHosting <see cref="IBroker"/>s (NATS or http): publish through one and subscribe through the other (the same
/// broker when one app plays both parts).
/// </summary>
/// <param name="publisher">The publishing broker.</param>
/// <param name="subscriber">The subscribing broker.</param>
/// <param name="dispose">Stops the apps.</param>
/// <param name="newIdPerMessage">Give each message its own <c>Micro-Id</c>, as <c>IMicroPublisher</c> does (the jetstream broker de-duplicates by it).</param>
internal sealed class BrokerTarget(IBroker publisher, IBroker subscriber, Func<ValueTask> dispose, bool newIdPerMessage = false) : PubSubTarget
{
    private static readonly KeyValuePair<string, string>[] Headers = [new("Content-Type", "application/octet-stream")];
    private IBrokerSubscription? _subscription;

    public override async Task SubscribeAsync(Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken)
        => _subscription = await subscriber.SubscribeAsync(
            Topic,
            (_, message, _) =>
            {
                onMessage(message.Body);
                return ValueTask.CompletedTask;
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);

    public override ValueTask PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        => publisher.PublishAsync(
            Topic,
            new BrokerMessage(newIdPerMessage ? [Headers[0], new("Micro-Id", Guid.NewGuid().ToString())] : Headers, body),
            cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        await dispose().ConfigureAwait(false);
    }
}
