using MicroHosting.Broker;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Client.Internal;

/// <summary><see cref="IMicroClient"/> over the handlers of the <c>MicroHosting</c> named HttpClient, which it holds for its lifetime.</summary>
internal sealed class MicroClient(IHttpMessageHandlerFactory handlerFactory, MicroCaller caller, MicroStreamer streamer, IServiceProvider services) : IMicroClient
{
    // The handlers are never recycled (see MicroClientServices): one chain for the process, no factory lookup per call.
    // An HttpMessageInvoker rather than an HttpClient: the client's per-request work (its async state machine, a linked
    // cancellation source when the caller's token can cancel, buffering the reply the resolution handler has buffered
    // already) was 175 B and an async hop per call (unary benchmark, client B/call 3,808 -> 3,633 small JSON); a call
    // has no base address, default headers or client timeout to apply (the call pipeline owns the budget). The invoker
    // lets MicroCaller run the call's setup itself (MicroCallInvoker.DirectSetup).
    private readonly MicroCallInvoker _http = new(handlerFactory.CreateHandler(MicroClientOptions.HttpClientName));
    private IMicroPublisher? _publisher;

    public Task<TResponse> CallAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => caller.CallAsync<TRequest, TResponse>(_http, profile: null, service, endpoint, request, options, cancellationToken);

    public Task<MicroResponse<TResponse>> SendAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => caller.SendAsync<TRequest, TResponse>(_http, profile: null, service, endpoint, request, options, cancellationToken);

    public IAsyncEnumerable<TResponse> ServerStreamAsync<TRequest, TResponse>(string service, string endpoint, TRequest request, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => streamer.ServerStreamAsync<TRequest, TResponse>(service, endpoint, request, options, profile: null, cancellationToken);

    public Task<TResponse> ClientStreamAsync<TRequest, TResponse>(string service, string endpoint, IAsyncEnumerable<TRequest> requests, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => streamer.ClientStreamAsync<TRequest, TResponse>(service, endpoint, requests, options, profile: null, cancellationToken);

    public Task<MicroDuplexStream<TRequest, TResponse>> OpenDuplexStreamAsync<TRequest, TResponse>(string service, string endpoint, MicroCallOptions? options = null, CancellationToken cancellationToken = default)
        => streamer.OpenDuplexStreamAsync<TRequest, TResponse>(service, endpoint, options, profile: null, cancellationToken);

    public Task PublishAsync<T>(string topic, T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        // Resolved on first use: a process that only calls never starts a broker.
        var publisher = _publisher ??= services.GetRequiredService<IMicroPublisher>();
        return publisher.PublishAsync(topic, message, options, cancellationToken);
    }
}
