namespace MicroHosting.Broker;

/// <summary>
/// Publishes messages to topics through the selected <see cref="IBroker"/>, encoded by content type (protobuf for
/// protobuf messages, raw bytes for <see cref="byte"/>[], JSON otherwise, unless <see cref="MicroPublishOptions.ContentType"/>
/// says otherwise). Each message carries <c>Content-Type</c>, <c>Micro-Topic</c>, a new <c>Micro-Id</c>, the metadata of
/// the call or message being handled (when publishing from inside a handler or subscriber), <c>Micro-From-Service</c>
/// when this app is a named service, and <see cref="MicroPublishOptions.Metadata"/>. Inject it anywhere.
/// <para>
/// This is the one publishing path. <see cref="Client.IMicroClient.PublishAsync{T}"/> (Go Micro's <c>client.Publish</c>)
/// and <see cref="IPublisher{T}"/> (one topic, typed) are conveniences that delegate to the registered
/// <see cref="IMicroPublisher"/>, so replacing or decorating it covers them too.
/// </para>
/// </summary>
public interface IMicroPublisher
{
    /// <summary>Encodes <paramref name="message"/> and publishes it to <paramref name="topic"/>.</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="topic">The topic, for example <c>orders.placed</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="options">Content type and extra metadata; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Completes when the broker accepted the message.</returns>
    /// <exception cref="MicroException">No codec can encode <typeparamref name="T"/> with the requested content type (code 415).</exception>
    Task PublishAsync<T>(string topic, T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default);
}
