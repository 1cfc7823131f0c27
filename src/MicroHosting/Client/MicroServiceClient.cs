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

    internal MicroServiceClient(string service, HttpClient httpClient, MicroCaller caller)
    {
        Service = service;
        HttpClient = httpClient;
        _caller = caller;
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
    public async Task<TResponse> CallAsync<TRequest, TResponse>(string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => (await _caller.SendAsync<TRequest, TResponse>(HttpClient, Service, endpoint, request, options, cancellationToken).ConfigureAwait(false)).Value;

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
        => _caller.SendAsync<TRequest, TResponse>(HttpClient, Service, endpoint, request, options, cancellationToken);
}
