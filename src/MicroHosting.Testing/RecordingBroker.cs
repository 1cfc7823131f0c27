using MicroHosting.Broker;

namespace MicroHosting.Testing;

/// <summary>
/// The broker of a <see cref="MicroTestNetwork"/>: an <see cref="InMemoryBroker"/> (synchronous delivery to the
/// subscribers of every app on the network) that also records each message published, in order, for assertions.
/// Deliver a message to the apps' subscribers as another service would publish it with
/// <c>network.Client.PublishAsync(topic, message)</c>.
/// </summary>
public sealed class RecordingBroker : IBroker
{
    private readonly InMemoryBroker _inner = new();
    private readonly Lock _gate = new();
    private readonly List<RecordedMessage> _published = [];
    private readonly List<(string Topic, TaskCompletionSource<RecordedMessage> Waiter)> _waiters = [];

    /// <inheritdoc />
    /// <remarks>Named <c>memory</c>: apps on the network select it as they would select the in-memory broker.</remarks>
    public string Name => _inner.Name;

    /// <summary>Gets every message published so far, in order.</summary>
    public IReadOnlyList<RecordedMessage> Published
    {
        get
        {
            lock (_gate)
            {
                return [.. _published];
            }
        }
    }

    /// <summary>Gets the messages published to <paramref name="topic"/> so far, in order.</summary>
    /// <param name="topic">The topic.</param>
    /// <returns>The messages.</returns>
    public IReadOnlyList<RecordedMessage> PublishedTo(string topic) => [.. Published.Where(m => string.Equals(m.Topic, topic, StringComparison.Ordinal))];

    /// <summary>
    /// Waits for the first message published to <paramref name="topic"/> (one published already counts), for code that
    /// publishes after it answered. Cancel through <paramref name="cancellationToken"/> to bound the wait.
    /// </summary>
    /// <param name="topic">The topic.</param>
    /// <param name="cancellationToken">Ends the wait.</param>
    /// <returns>The message.</returns>
    public Task<RecordedMessage> WaitForMessageAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        TaskCompletionSource<RecordedMessage> waiter;
        lock (_gate)
        {
            if (_published.Find(m => string.Equals(m.Topic, topic, StringComparison.Ordinal)) is { } recorded)
            {
                return Task.FromResult(recorded);
            }

            waiter = new TaskCompletionSource<RecordedMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((topic, waiter));
        }

        return waiter.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Forgets the messages recorded so far.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _published.Clear();
        }
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        var recorded = new RecordedMessage(topic, message);
        List<TaskCompletionSource<RecordedMessage>> released = [];
        lock (_gate)
        {
            _published.Add(recorded);
            _waiters.RemoveAll(w =>
            {
                var matches = string.Equals(w.Topic, topic, StringComparison.Ordinal);
                if (matches)
                {
                    released.Add(w.Waiter);
                }

                return matches;
            });
        }

        foreach (var waiter in released)
        {
            waiter.TrySetResult(recorded);
        }

        return _inner.PublishAsync(topic, message, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
        => _inner.SubscribeAsync(topic, handler, options, cancellationToken);
}
