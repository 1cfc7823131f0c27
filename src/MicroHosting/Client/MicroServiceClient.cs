using MicroHosting.Client.Internal;

namespace MicroHosting.Client;

/// <summary>
/// A client bound to one service, for typed clients: take it in your class's constructor and register the class with
/// <c>builder.Services.AddMicroClient&lt;GreeterClient&gt;("greeter")</c>. Its calls go through the same pipeline as
/// <see cref="IMicroClient"/> (discovery, selection, retries on another node, deadline and metadata propagation), with the
/// typed client's defaults.
/// </summary>
public sealed class MicroServiceClient
{
    private readonly MicroCaller _caller;
    private readonly MicroStreamer _streamer;
    private readonly MicroClientProfile _profile;

    internal MicroServiceClient(string service, HttpClient httpClient, MicroCaller caller, MicroStreamer streamer, MicroClientProfile profile)
    {
        Service = service;
        HttpClient = httpClient;
        _caller = caller;
        _streamer = streamer;
        _profile = profile;
    }

    /// <summary>Gets the service this client calls.</summary>
    public string Service { get; }

    /// <summary>Gets the underlying HttpClient: a request to <c>/Type/Method</c> on it goes to a node of <see cref="Service"/>.</summary>
    public HttpClient HttpClient { get; }

    /// <summary>Calls <paramref name="endpoint"/> of the service and returns the reply.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="endpoint">The endpoint, <c>Type.Method</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="options">Per-call options, over the typed client's; <see langword="null"/> for those.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="MicroException">As for <see cref="IMicroClient.CallAsync{TRequest, TResponse}"/>.</exception>
    public Task<TResponse> CallAsync<TRequest, TResponse>(string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => _caller.CallAsync<TRequest, TResponse>(HttpClient, _profile, Service, endpoint, request, options, cancellationToken);

    /// <summary>Calls <paramref name="endpoint"/> and also reports which node served the reply.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="endpoint">The endpoint, <c>Type.Method</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="options">Per-call options; <see langword="null"/> for the typed client's.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reply, the node that served it and the number of attempts.</returns>
    /// <exception cref="MicroException">As for <see cref="IMicroClient.CallAsync{TRequest, TResponse}"/>.</exception>
    public Task<MicroResponse<TResponse>> SendAsync<TRequest, TResponse>(string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => _caller.SendAsync<TRequest, TResponse>(HttpClient, _profile, Service, endpoint, request, options, cancellationToken);

    /// <summary>Opens a server stream to <paramref name="endpoint"/> of the service; see <see cref="IMicroClient.ServerStreamAsync{TRequest, TResponse}"/>.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="endpoint">The streaming endpoint, <c>Type.Method</c>.</param>
    /// <param name="request">The request message.</param>
    /// <param name="options">Per-call options, over the typed client's; <see langword="null"/> for those.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The replies.</returns>
    /// <exception cref="MicroException">As for <see cref="IMicroClient.ServerStreamAsync{TRequest, TResponse}"/>.</exception>
    public IAsyncEnumerable<TResponse> ServerStreamAsync<TRequest, TResponse>(string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => _streamer.ServerStreamAsync<TRequest, TResponse>(Service, endpoint, request, options, _profile, cancellationToken);

    /// <summary>Sends a stream of requests to <paramref name="endpoint"/> and returns its one reply; see <see cref="IMicroClient.ClientStreamAsync{TRequest, TResponse}"/>.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="endpoint">The streaming endpoint, <c>Type.Method</c>.</param>
    /// <param name="requests">The messages to send.</param>
    /// <param name="options">Per-call options, over the typed client's; <see langword="null"/> for those.</param>
    /// <param name="cancellationToken">Cancels the stream.</param>
    /// <returns>The reply.</returns>
    /// <exception cref="MicroException">As for <see cref="IMicroClient.ClientStreamAsync{TRequest, TResponse}"/>.</exception>
    public Task<TResponse> ClientStreamAsync<TRequest, TResponse>(string endpoint, IAsyncEnumerable<TRequest> requests, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => _streamer.ClientStreamAsync<TRequest, TResponse>(Service, endpoint, requests, options, _profile, cancellationToken);

    /// <summary>Opens a bidirectional stream to <paramref name="endpoint"/>; see <see cref="IMicroClient.OpenDuplexStreamAsync{TRequest, TResponse}"/>.</summary>
    /// <typeparam name="TRequest">The request message type.</typeparam>
    /// <typeparam name="TResponse">The reply message type.</typeparam>
    /// <param name="endpoint">The streaming endpoint, <c>Type.Method</c>.</param>
    /// <param name="options">Per-call options, over the typed client's; <see langword="null"/> for those.</param>
    /// <param name="cancellationToken">Cancels the whole stream.</param>
    /// <returns>The open stream; dispose it.</returns>
    /// <exception cref="MicroException">As for <see cref="IMicroClient.OpenDuplexStreamAsync{TRequest, TResponse}"/>.</exception>
    public Task<MicroDuplexStream<TRequest, TResponse>> OpenDuplexStreamAsync<TRequest, TResponse>(string endpoint, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => _streamer.OpenDuplexStreamAsync<TRequest, TResponse>(Service, endpoint, options, _profile, cancellationToken);
}
