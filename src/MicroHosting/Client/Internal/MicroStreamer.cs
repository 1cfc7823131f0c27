using System.Runtime.CompilerServices;
using MicroHosting.Codecs.Internal;
using MicroHosting.Diagnostics;
using MicroHosting.Server.Internal;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Streams to MicroHosting nodes over WebSockets (the server's stream protocol): server streaming, client streaming and
/// bidirectional. Node selection, node health, options, deadline and metadata work as for unary calls; opening a stream is
/// retried on another node by a Polly retry, and a server stream also retries when it fails before its first message.
/// Shared by <see cref="MicroClient"/> and <see cref="MicroServiceClient"/>.
/// </summary>
internal sealed partial class MicroStreamer : IDisposable
{
    private readonly ILogger _logger;

    public MicroStreamer(
        MicroClientRuntime runtime, ILogger<MicroStreamer> logger, MicroHosting.Security.Internal.MicroClientTls tls, MicroHosting.Security.Internal.MicroCredentials credentials)
    {
        Credentials = credentials;
        Runtime = runtime;
        _logger = logger;
        var sockets = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = MicroHttpClientPipeline.ConnectTimeout,
        };
        tls.Apply(sockets.SslOptions);
        Invoker = new HttpMessageInvoker(new StreamUpgradeHandler(sockets), disposeHandler: true);
        OpenPipeline = new ResiliencePipelineBuilder { TimeProvider = runtime.TimeProvider }
            .AddRetry(new RetryStrategyOptions
            {
                Name = "MicroStreamRetry",
                // The attempt decides (it knows the call's retry budget); Polly spaces the attempts and stops on cancellation.
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is StreamAttemptFailedException),
                MaxRetryAttempts = MicroClientOptionsValidator.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                Delay = runtime.Options.RetryDelay,
            })
            .Build();
    }

    public MicroClientRuntime Runtime { get; }

    /// <summary>Gets what puts the call's credential on each attempt's upgrade request.</summary>
    public MicroHosting.Security.Internal.MicroCredentials Credentials { get; }

    /// <summary>Gets the invoker every stream's upgrade request goes through: no proxy, the same connect timeout as calls.</summary>
    public HttpMessageInvoker Invoker { get; }

    public ResiliencePipeline OpenPipeline { get; }

    public IAsyncEnumerable<TResponse> ServerStreamAsync<TRequest, TResponse>(
        string service, string endpoint, TRequest request, MicroCallOptions? options, MicroCallOptions? clientOptions, CancellationToken cancellationToken)
    {
        MicroCaller.ValidateCall(service, endpoint);
        return ServerStreamCoreAsync<TRequest, TResponse>(service, endpoint, request, options, clientOptions, cancellationToken);
    }

    public async Task<TResponse> ClientStreamAsync<TRequest, TResponse>(
        string service, string endpoint, IAsyncEnumerable<TRequest> requests, MicroCallOptions? options, MicroCallOptions? clientOptions, CancellationToken cancellationToken)
    {
        MicroCaller.ValidateCall(service, endpoint);
        ArgumentNullException.ThrowIfNull(requests);
        var call = Start<TRequest, TResponse>(service, endpoint, MicroStreamKind.Client, options, clientOptions, cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            await call.OpenAsync().ConfigureAwait(false);
            return await call.SendAllAndReceiveReplyAsync(requests).ConfigureAwait(false);
        }
    }

    public async Task<MicroDuplexStream<TRequest, TResponse>> OpenDuplexStreamAsync<TRequest, TResponse>(
        string service, string endpoint, MicroCallOptions? options, MicroCallOptions? clientOptions, CancellationToken cancellationToken)
    {
        MicroCaller.ValidateCall(service, endpoint);
        var call = Start<TRequest, TResponse>(service, endpoint, MicroStreamKind.Bidirectional, options, clientOptions, cancellationToken);
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

    public void Dispose() => Invoker.Dispose();

    private async IAsyncEnumerable<TResponse> ServerStreamCoreAsync<TRequest, TResponse>(
        string service, string endpoint, TRequest request, MicroCallOptions? options, MicroCallOptions? clientOptions, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var call = Start<TRequest, TResponse>(service, endpoint, MicroStreamKind.Server, options, clientOptions, cancellationToken);
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
        string service, string endpoint, MicroStreamKind kind, MicroCallOptions? options, MicroCallOptions? clientOptions, CancellationToken cancellationToken)
    {
        var state = new MicroCallState(service, endpoint, body: null, ProtobufTypeInfo<TRequest>.IsMessage && ProtobufTypeInfo<TResponse>.IsMessage, options)
        {
            Stream = true,
        };
        return new MicroStreamCall<TRequest, TResponse>(this, state, kind, clientOptions, cancellationToken);
    }

    [LoggerMessage(EventId = MicroEventIds.StreamAttemptFailed, EventName = "StreamAttemptFailed", Level = LogLevel.Debug, Message = "Opening stream {Service} {Endpoint} on node {NodeId} at {Address} failed (attempt {Attempt}): {Error}")]
    public partial void LogAttemptFailed(string service, string endpoint, string nodeId, string address, int attempt, string error);

    [LoggerMessage(EventId = MicroEventIds.StreamBroken, EventName = "StreamBroken", Level = LogLevel.Warning, Message = "Stream {Service} {Endpoint} with node {NodeId} at {Address} broke after {Received} message(s): {Error}")]
    public partial void LogBroken(string service, string endpoint, string nodeId, string address, int received, string error);
}
