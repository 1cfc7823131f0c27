using MicroHosting.Broker;

namespace MicroHosting.Client;

/// <summary>
/// Calls services by name, as Go Micro's client does: the nodes come from the registry (through an in-memory cache),
/// a selector picks one per attempt, a failed attempt is retried on another node, and the deadline and metadata of the
/// handler the call runs in travel with it. Registered by <c>AddMicro</c> and <c>AddMicroCore</c>; inject it.
/// </summary>
public interface IMicroClient
{
    /// <summary>Calls <paramref name="endpoint"/> of <paramref name="service"/> and returns the reply.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="service">The service name, for example <c>greeter</c>.</param>
    /// <param name="endpoint">The endpoint, <c>Type.Method</c>, for example <c>Greeter.Hello</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="options">Per-call options (content type, timeout, retries, node filter, fixed address); <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="MicroException">The remote's error (its id, code, detail and status), a timeout (408), or a client-side failure.</exception>
    /// <exception cref="MicroNodeNotFoundException">The registry knows no node of the service that matches the call's filter.</exception>
    /// <exception cref="MicroNodesFailedException">Every attempt failed at the transport level.</exception>
    Task<TResponse> CallAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Calls an endpoint like <see cref="CallAsync{TRequest, TResponse}"/>, and also reports which node served the reply.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="service">The service name.</param>
    /// <param name="endpoint">The endpoint, <c>Type.Method</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="options">Per-call options; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply, the node that served it and the number of attempts.</returns>
    /// <exception cref="MicroException">As for <see cref="CallAsync{TRequest, TResponse}"/>.</exception>
    Task<MicroResponse<TResponse>> SendAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes <paramref name="message"/> to <paramref name="topic"/> (Go Micro's <c>client.Publish</c>); the same as
    /// <see cref="IMicroPublisher.PublishAsync{T}"/>, through the selected broker.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="topic">The topic, for example <c>orders.placed</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="options">Content type and extra metadata; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Completes when the broker accepted the message.</returns>
    Task PublishAsync<T>(string topic, T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default);
}
