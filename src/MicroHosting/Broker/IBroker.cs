namespace MicroHosting.Broker;

/// <summary>
/// A message broker: publishes messages to topics and delivers them to subscriptions, all of them (broadcast) or one
/// member per queue group (competing consumers). Brokers are pluggable like registries: <c>http</c> (the default,
/// Go Micro compatible), <c>memory</c>, and <c>nats</c> from the MicroHosting.Broker.Nats package, selected by
/// <c>MICRO_BROKER</c> / <c>Micro:Broker</c>. Application code normally publishes through <see cref="IMicroPublisher"/>
/// and subscribes with <c>AddMicroSubscriber</c>; this interface is the plug-in surface. Implementations are thread-safe.
/// </summary>
public interface IBroker
{
    /// <summary>Gets the broker's name, as selected by <c>MICRO_BROKER</c> (<c>http</c>, <c>memory</c>, <c>nats</c>).</summary>
    string Name { get; }

    /// <summary>Publishes one message to <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic, for example <c>orders.placed</c>.</param>
    /// <param name="message">The headers and the encoded body.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Completes when the broker accepted the message; delivery guarantees differ by broker (see the README).</returns>
    ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default);

    /// <summary>Subscribes <paramref name="handler"/> to <paramref name="topic"/>.</summary>
    /// <param name="topic">The topic.</param>
    /// <param name="handler">Called once per delivered message; an exception marks the delivery as failed.</param>
    /// <param name="options">The queue group, if any; <see langword="null"/> for a broadcast subscription.</param>
    /// <param name="cancellationToken">Cancels subscribing.</param>
    /// <returns>The subscription; unsubscribe (or dispose) to stop receiving.</returns>
    ValueTask<IBrokerSubscription> SubscribeAsync(
        string topic,
        BrokerHandler handler,
        BrokerSubscribeOptions? options = null,
        CancellationToken cancellationToken = default);
}
