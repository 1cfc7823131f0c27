namespace MicroHosting.Broker;

/// <summary>One subscription of a handler to a topic. Disposing it unsubscribes.</summary>
public interface IBrokerSubscription : IAsyncDisposable
{
    /// <summary>Gets the topic.</summary>
    string Topic { get; }

    /// <summary>Gets the queue group, or <see langword="null"/> for a broadcast subscription.</summary>
    string? Queue { get; }

    /// <summary>
    /// Stops delivery to this subscription. Messages already being handled are not cancelled; callers that must wait
    /// for them (the subscription hosted service does) track them themselves. Calling it twice is harmless.
    /// </summary>
    /// <param name="cancellationToken">Cancels the unsubscribe (for example a deregistration that hangs).</param>
    /// <returns>Completes when no new message will be delivered.</returns>
    ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default);
}
