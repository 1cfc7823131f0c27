namespace MicroHosting.Broker;

/// <summary>
/// A class that handles <typeparamref name="T"/> messages of a topic. Register it with
/// <c>AddMicroSubscriber&lt;T, THandler&gt;("topic")</c>; it is resolved from a new scope for every message, with its
/// constructor dependencies injected.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IMicroSubscriber<in T>
{
    /// <summary>Handles one message. Throwing reports the delivery as failed to the broker (and the publisher, with the http broker).</summary>
    /// <param name="message">The decoded message.</param>
    /// <param name="context">The topic, metadata and raw message.</param>
    /// <param name="cancellationToken">Cancelled when the delivery is abandoned.</param>
    /// <returns>Completes when the message is handled.</returns>
    Task HandleAsync(T message, MicroMessageContext context, CancellationToken cancellationToken);
}
