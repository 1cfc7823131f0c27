using System.Globalization;
using System.Net.WebSockets;
using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;
using MicroHosting.Server.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// One stream: its resolved options, headers and tokens (the caller's, the calling handler's, the deadline), and the
/// WebSocket of the attempt that got through. Partial: opening here, messages in <c>.Messages</c>, errors in <c>.Errors</c>.
/// </summary>
internal sealed partial class MicroStreamCall<TRequest, TResponse> : IAsyncDisposable
{
    /// <summary>Beyond this a deadline timer is not worth setting (CancellationTokenSource caps its delay near 49 days).</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);
    private readonly MicroStreamer _streamer;
    private readonly MicroClientRuntime _runtime;
    private readonly MicroCallState _state;
    private readonly HttpRequestMessage _headers = new();
    private readonly CancellationToken _callerToken;
    private readonly CancellationToken _contextToken;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource? _linked;
    private ClientWebSocket? _socket;
    private MicroCodec? _codec;
    private bool _sendFirst;
    private TRequest? _first;

    public MicroStreamCall(MicroStreamer streamer, MicroCallState state, MicroStreamKind kind, MicroCallOptions? clientOptions, CancellationToken cancellationToken)
    {
        _streamer = streamer;
        _runtime = streamer.Runtime;
        _state = state;
        _callerToken = cancellationToken;
        _kind = MicroTelemetry.StreamKind(kind);

        // The same option resolution and headers as a unary call (id, propagated metadata, Micro-From-Service, budget).
        MicroCallSetupHandler.Prepare(_runtime, clientOptions, state, _headers);

        // A stream inside a handler ends when that handler's caller goes away.
        if (MicroContext.Current is { } context && context.CancellationToken.CanBeCanceled && context.CancellationToken != cancellationToken)
        {
            _contextToken = context.CancellationToken;
        }

        if (state.HasDeadline && state.Budget < MaxTimer)
        {
            _deadline = new CancellationTokenSource(state.Budget, _runtime.TimeProvider);
        }

        _activity = MicroTelemetry.StartStream(state.Service, state.Endpoint!, _kind);
        if (_deadline is null && !_contextToken.CanBeCanceled)
        {
            Token = cancellationToken;
        }
        else
        {
            _linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _contextToken, _deadline?.Token ?? default);
            Token = _linked.Token;
        }
    }

    /// <summary>Gets the token that ends the whole stream: the caller's, the calling handler's, or the deadline.</summary>
    public CancellationToken Token { get; }

    /// <summary>Gets the node serving the stream (after <see cref="OpenAsync()"/>).</summary>
    public NodeCandidate Node => _state.Node!;

    /// <summary>Gets how many attempts opening took.</summary>
    public int Attempts => _state.Attempts;

    /// <summary>Opens a client or bidirectional stream, on another node when an attempt fails before the upgrade completes.</summary>
    public async ValueTask OpenAsync()
    {
        _sendFirst = false;
        await OpenCoreAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Opens a server stream: sends <paramref name="request"/>, ends the sending side and waits for the first reply; an
    /// attempt that fails before that reply is tried again on another node.
    /// </summary>
    /// <returns><see langword="false"/> when the stream ended without a message.</returns>
    public ValueTask<bool> OpenAsync(TRequest request)
    {
        _sendFirst = true;
        _first = request;
        return OpenCoreAsync();
    }

    private async ValueTask<bool> OpenCoreAsync()
    {
        try
        {
            return await _streamer.OpenPipeline.ExecuteAsync(static (call, token) => call.AttemptAsync(token), this, Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, default) is var mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
    }

    private async ValueTask<bool> AttemptAsync(CancellationToken token)
    {
        var state = _state;
        state.Probe = false;
        var node = await MicroNodePicker.BeginAttemptAsync(_runtime, state, token).ConfigureAwait(false);
        var codec = _codec = _runtime.CodecFor(state, node);
        if (!codec.CanHandle(typeof(TRequest)) || !codec.CanHandle(typeof(TResponse)))
        {
            throw new MicroException(
                MicroClientErrors.Id, 400, $"stream {state.Service} {state.Endpoint}: {codec.ContentType} cannot carry {typeof(TRequest).Name} and {typeof(TResponse).Name}");
        }

        var attempt = StartAttemptSpan(node);
        var socket = new ClientWebSocket();
        try
        {
            Configure(socket.Options, codec);
            SetTraceContext(socket.Options, attempt);
            await _streamer.Credentials.ApplyAsync(state, node, socket.Options, _headers, token).ConfigureAwait(false);
            // Opening is bounded by the client's request timeout even when the stream itself has no deadline, so a node
            // that accepts TCP but never answers the upgrade counts as failed (and the next node is tried) instead of hanging.
            using (var openTimeout = new CancellationTokenSource(_runtime.Options.RequestTimeout, _runtime.TimeProvider))
            using (var opening = CancellationTokenSource.CreateLinkedTokenSource(token, openTimeout.Token))
            {
                await socket.ConnectAsync(StreamUri(node, codec), _streamer.Invoker, opening.Token).ConfigureAwait(false);
            }

            _socket = socket;
            var more = true;
            if (_sendFirst)
            {
                await SendCoreAsync(_first!, token).ConfigureAwait(false);
                _first = default;
                await CompleteCoreAsync(token).ConfigureAwait(false);
                more = await ReceiveCoreAsync(token).ConfigureAwait(false);
            }

            _runtime.Health.Succeeded(node.State);
            _attemptActivity = attempt;
            return more;
        }
        catch (Exception ex) when (!token.IsCancellationRequested && AttemptFailure(ex, node) is { } failure)
        {
            StopAttemptSpan(attempt, ex);
            _socket = null;
            _errorReceived = false;
            socket.Abort();
            socket.Dispose();
            throw failure;
        }
        catch (Exception ex)
        {
            StopAttemptSpan(attempt, ex);
            if (_socket is null)
            {
                socket.Dispose();
            }

            throw;
        }
        finally
        {
            if (state.Probe)
            {
                node.State.EndProbe();
            }
        }
    }

    private void Configure(ClientWebSocketOptions options, MicroCodec codec)
    {
        foreach (var (name, values) in _headers.Headers.NonValidated)
        {
            options.SetRequestHeader(name, values.ToString());
        }

        options.SetRequestHeader("Accept", codec.ContentType);
        if (_state.HasDeadline)
        {
            // Go Micro's Timeout header: what is left of the budget, in nanoseconds; the server ends the stream on it.
            var left = Math.Max(1, _state.Deadline - _runtime.TimeProvider.GetUtcNow().UtcTicks);
            options.SetRequestHeader(MicroHeaders.Timeout, (left * 100).ToString(CultureInfo.InvariantCulture));
        }
    }

    private Uri StreamUri(NodeCandidate node, MicroCodec codec)
    {
        var scheme = node.BaseUri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";

        // ClientWebSocket cannot send Content-Type on the upgrade; the server also reads it from the query.
        return new Uri($"{scheme}://{node.BaseUri.Authority}{NodeCandidate.EndpointPath(_state.Endpoint!)}?content-type={Uri.EscapeDataString(codec.ContentType)}");
    }
}
