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
    /// Opens a server stream: sends <paramref name="request"/> to the streaming endpoint <paramref name="endpoint"/> of
    /// <paramref name="service"/> and returns its replies as they come. Nothing is sent until the enumeration starts. A
    /// stream that fails before its first reply (node unreachable, upgrade refused with a retryable status, node stopping)
    /// is retried on another node; a failure after that ends the enumeration with a <see cref="MicroException"/>. Only
    /// MicroHosting nodes serve streams. Breaking out of the enumeration ends the stream, and the server's handler is cancelled.
    /// </summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="service">The service name, for example <c>numbers</c>.</param>
    /// <param name="endpoint">The streaming endpoint, <c>Type.Method</c>, for example <c>Numbers.Count</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="options">Per-call options; <see cref="MicroCallOptions.Timeout"/> is the deadline of the whole stream (default: none).</param>
    /// <param name="cancellationToken">Cancels the stream (so does the enumeration's own token).</param>
    /// <returns>The replies.</returns>
    /// <exception cref="MicroException">
    /// The server's error (its error JSON), the deadline passed (408), the connection broke mid-stream (500, naming the node),
    /// or the stream was refused (for example 404).
    /// </exception>
    /// <exception cref="MicroNodeNotFoundException">The registry knows no MicroHosting node of the service that matches the call's filter.</exception>
    /// <exception cref="MicroNodesFailedException">Every attempt to open the stream failed at the transport level.</exception>
    IAsyncEnumerable<TResponse> ServerStreamAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Client streaming: sends every message of <paramref name="requests"/> to the streaming endpoint and returns its one
    /// reply. Opening the stream is retried on another node; once messages flow, a failure ends the call. Should the reply
    /// or an error come before <paramref name="requests"/> ends, sending stops and its enumeration is cancelled. Should
    /// <paramref name="requests"/> throw, the stream is aborted and the exception surfaces here.
    /// </summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="service">The service name.</param>
    /// <param name="endpoint">The streaming endpoint, <c>Type.Method</c>.</param>
    /// <param name="requests">The messages to send; read one at a time as the connection takes them (backpressure).</param>
    /// <param name="options">Per-call options; <see cref="MicroCallOptions.Timeout"/> is the deadline of the whole stream (default: none).</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="MicroException">As for <see cref="ServerStreamAsync{TRequest, TResponse}"/>.</exception>
    Task<TResponse> ClientStreamAsync<TRequest, TResponse>(string service, string endpoint, IAsyncEnumerable<TRequest> requests, MicroCallOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens a bidirectional stream to the streaming endpoint: send and read on the returned <see cref="MicroDuplexStream{TRequest, TResponse}"/>.
    /// Opening is retried on another node; once open, a failure surfaces on the stream's operations.
    /// </summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="service">The service name.</param>
    /// <param name="endpoint">The streaming endpoint, <c>Type.Method</c>.</param>
    /// <param name="options">Per-call options; <see cref="MicroCallOptions.Timeout"/> is the deadline of the whole stream (default: none).</param>
    /// <param name="cancellationToken">Cancels the whole stream, not only the opening.</param>
    /// <returns>The open stream; dispose it.</returns>
    /// <exception cref="MicroException">As for <see cref="ServerStreamAsync{TRequest, TResponse}"/>.</exception>
    Task<MicroDuplexStream<TRequest, TResponse>> OpenDuplexStreamAsync<TRequest, TResponse>(string service, string endpoint, MicroCallOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Publishes <paramref name="message"/> to <paramref name="topic"/> (Go Micro's <c>client.Publish</c>). A convenience:
    /// it delegates to the registered <see cref="IMicroPublisher"/> (resolved on first use, so a process that only calls
    /// never starts a broker), the one publishing path.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="topic">The topic, for example <c>orders.placed</c>.</param>
    /// <param name="message">The message.</param>
    /// <param name="options">Content type and extra metadata; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the publish.</param>
    /// <returns>Completes when the broker accepted the message.</returns>
    Task PublishAsync<T>(string topic, T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default);
}
