namespace MicroHosting.Broker;

/// <summary>
/// Publishes <typeparamref name="T"/> messages to one topic. Register it with <c>AddMicroPublisher&lt;T&gt;("topic")</c>
/// and inject it. A convenience: it delegates every publish to the registered <see cref="IMicroPublisher"/>, with its
/// topic and, when <c>AddMicroPublisher</c> named one and the call does not, its content type.
/// </summary>
/// <typeparam name="T">The message type.</typeparam>
public interface IPublisher<in T>
{
    /// <summary>Gets the topic this publisher writes to.</summary>
    string Topic { get; }

    /// <summary>Encodes <paramref name="message"/> and publishes it to <see cref="Topic"/>.</summary>
    /// <param name="message">The message.</param>
    /// <param name="options">Content type and extra metadata; <see langword="null"/> for the publisher's defaults.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Completes when the broker accepted the message.</returns>
    Task PublishAsync(T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default);
}
