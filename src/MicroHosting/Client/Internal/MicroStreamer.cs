using System.Runtime.CompilerServices;
using MicroHosting.Codecs.Internal;
using MicroHosting.Diagnostics;
using MicroHosting.Server.Internal;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Streams: server streaming, client streaming and bidirectional, to MicroHosting nodes over WebSockets (the server's
/// stream protocol) and to <c>protocol=grpc</c> nodes as gRPC streams over HTTP/2 (the node's wire opens the channel,
/// <see cref="MicroWire.OpenStreamAsync"/>). A stream is a call like a unary one: the same plan (<see cref="MicroCallPlan"/>), state, attempt step
/// (<see cref="MicroAttempt"/>), call pipeline and retry rule; opening it is retried on another node, and a server
/// stream also retries when it fails before its first message.
/// Shared by <see cref="MicroClient"/> and <see cref="MicroServiceClient"/>.
/// </summary>
internal sealed partial class MicroStreamer
{
    private readonly ILogger _logger;
    private readonly Lazy<HttpMessageInvoker> _invoker;

    public MicroStreamer(
        MicroClientRuntime runtime, ILogger<MicroStreamer> logger, IHttpMessageHandlerFactory handlers, MicroHosting.Security.Internal.MicroCredentials credentials)
    {
        Credentials = credentials;
        Runtime = runtime;
        _logger = logger;
        // Stream openings go through their own named client (MicroClientOptions.StreamHttpClientName): the same socket settings
        // and TLS as calls, but a connection per WebSocket (gRPC streams share HTTP/2 connections), and reached by
        // IMicroPrimaryHandlerFactory as calls are. Built on the first stream: an app that never streams builds no handler
        // chain for it. The factory owns the handler.
        _invoker = new Lazy<HttpMessageInvoker>(
            () => new HttpMessageInvoker(handlers.CreateHandler(MicroClientOptions.StreamHttpClientName), disposeHandler: false),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public MicroClientRuntime Runtime { get; }

    /// <summary>Gets what puts the call's credential on each attempt's upgrade request.</summary>
    public MicroHosting.Security.Internal.MicroCredentials Credentials { get; }

    /// <summary>
    /// Gets the invoker every stream's opening request goes through (a WebSocket upgrade, or a gRPC stream's HTTP/2 POST):
    /// no proxy, the same connect timeout as calls.
    /// </summary>
    public HttpMessageInvoker Invoker => _invoker.Value;

    public IAsyncEnumerable<TResponse> ServerStreamAsync<TRequest, TResponse>(
        string service, string endpoint, TRequest request, MicroCallOptions? options, MicroClientProfile? profile, CancellationToken cancellationToken)
    {
        MicroCaller.ValidateCall(service, endpoint);
        return ServerStreamCoreAsync<TRequest, TResponse>(service, endpoint, request, options, profile, cancellationToken);
    }

    public async Task<TResponse> ClientStreamAsync<TRequest, TResponse>(
        string service, string endpoint, IAsyncEnumerable<TRequest> requests, MicroCallOptions? options, MicroClientProfile? profile, CancellationToken cancellationToken)
    {
        MicroCaller.ValidateCall(service, endpoint);
        ArgumentNullException.ThrowIfNull(requests);
        var call = Start<TRequest, TResponse>(service, endpoint, MicroStreamKind.Client, options, profile, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            await call.OpenAsync().ConfigureAwait(false);
            return await call.SendAllAndReceiveReplyAsync(requests).ConfigureAwait(false);
        }
    }

    public async Task<MicroDuplexStream<TRequest, TResponse>> OpenDuplexStreamAsync<TRequest, TResponse>(
        string service, string endpoint, MicroCallOptions? options, MicroClientProfile? profile, CancellationToken cancellationToken)
    {
        MicroCaller.ValidateCall(service, endpoint);
        var call = Start<TRequest, TResponse>(service, endpoint, MicroStreamKind.Bidirectional, options, profile, cancellationToken);
        try
        {
            await call.OpenAsync().ConfigureAwait(false);
            return new MicroDuplexStream<TRequest, TResponse>(call);
        }
        catch
        {
            await call.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async IAsyncEnumerable<TResponse> ServerStreamCoreAsync<TRequest, TResponse>(
        string service, string endpoint, TRequest request, MicroCallOptions? options, MicroClientProfile? profile, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = Start<TRequest, TResponse>(service, endpoint, MicroStreamKind.Server, options, profile, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            var more = await call.OpenAsync(request).ConfigureAwait(false);
            while (more)
            {
                yield return call.Current;
                more = await call.ReceiveAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    private MicroStreamCall<TRequest, TResponse> Start<TRequest, TResponse>(
        string service, string endpoint, MicroStreamKind kind, MicroCallOptions? options, MicroClientProfile? profile, CancellationToken cancellationToken)
    {
        // The same plan as a unary call's (options, budget, metadata), for a stream: no deadline unless one is set.
        var plan = MicroCallPlan.Create(
            Runtime, service, endpoint, options, profile, stream: true, ProtobufTypeInfo<TRequest>.IsMessage && ProtobufTypeInfo<TResponse>.IsMessage);
        return new MicroStreamCall<TRequest, TResponse>(this, new MicroCallState(plan), kind, cancellationToken);
    }

    [LoggerMessage(EventId = MicroEventIds.StreamBroken, EventName = "StreamBroken", Level = LogLevel.Warning, Message = "Stream {Service} {Endpoint} with node {NodeId} at {Address} broke after {Received} message(s): {Error}")]
    public partial void LogBroken(string service, string endpoint, string nodeId, string address, int received, string error);
}
