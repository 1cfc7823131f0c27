using System.Globalization;
using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;
using MicroHosting.Server.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// One stream: its resolved options, headers and tokens (the caller's, the calling handler's, the deadline), and the
/// channel of the attempt that got through (<see cref="MicroStreamChannel"/>: a WebSocket, or a gRPC call). Partial: opening here, messages in <c>.Messages</c>, errors in <c>.Errors</c>.
/// </summary>
internal sealed partial class MicroStreamCall<TRequest, TResponse> : IAsyncDisposable
{
    /// <summary>Beyond this a deadline timer is not worth setting (CancellationTokenSource caps its delay near 49 days).</summary>
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(30);
    private static readonly object True = true;
    private static readonly object False = false;
    private readonly MicroStreamer _streamer;
    private readonly MicroClientRuntime _runtime;
    private readonly MicroCallState _state;

    /// <summary>The stream's call request: never sent, it carries the call's state (<see cref="MicroCallState.Get(HttpRequestMessage)"/>) and headers, copied onto each upgrade.</summary>
    private readonly MicroCallRequest _request;
    private readonly CancellationToken _callerToken;
    private readonly CancellationToken _contextToken;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationTokenSource? _linked;
    private MicroStreamChannel? _channel;
    private long _attemptStarted;
    private MicroCodec? _codec;
    private bool _sendFirst;
    private TRequest? _first;

    public MicroStreamCall(MicroStreamer streamer, MicroCallState state, MicroStreamKind kind, CancellationToken cancellationToken)
    {
        _streamer = streamer;
        _runtime = streamer.Runtime;
        _state = state;
        _request = new MicroCallRequest(state, uri: null);
        _callerToken = cancellationToken;
        _kind = MicroTelemetry.StreamKind(kind);

        // The same headers as a unary call (id, propagated metadata, Micro-From-Service, the client's and call's metadata).
        MicroCallHeaders.Apply(_runtime, state.Plan, _request.Headers);
        state.CallerToken = cancellationToken;

        // A stream inside a handler ends when that handler's caller goes away.
        if (MicroContext.Current is { } context && context.CancellationToken.CanBeCanceled && context.CancellationToken != cancellationToken)
        {
            _contextToken = context.CancellationToken;
        }

        if (state.Plan.HasDeadline && state.Plan.Budget < MaxTimer)
        {
            _deadline = new CancellationTokenSource(state.Plan.Budget, _runtime.TimeProvider);
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

    /// <summary>Opens a client or bidirectional stream, on another node when an attempt fails before it opened (the WebSocket upgrade completed, the gRPC call's headers went out).</summary>
    public async ValueTask OpenAsync()
    {
        _sendFirst = false;
        await OpenThroughMiddlewareAsync().ConfigureAwait(false);
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
        return OpenThroughMiddlewareAsync();
    }

    /// <summary>Opens the stream inside the client middleware chain (<see cref="IMicroClientMiddleware"/>), when there is one.</summary>
    private ValueTask<bool> OpenThroughMiddlewareAsync()
    {
        return _runtime.Middleware is { } middleware ? WithMiddlewareAsync(middleware) : OpenCoreAsync();

        async ValueTask<bool> WithMiddlewareAsync(MicroClientCallDelegate middleware)
        {
            var call = new MicroClientCallContext(_state, _request.Headers)
            {
                Terminal = async call => call.StreamHasMessage = await OpenCoreAsync().ConfigureAwait(false),
            };
            try
            {
                await middleware(call).ConfigureAwait(false);
            }
            catch (Exception ex) when (call.StatusCode is null && ex is not MicroException and not OperationCanceledException)
            {
                // A middleware failed before the stream was tried: the stream's outcome (telemetry) is that failure.
                throw Outcome(ex);
            }

            return call.StatusCode is not null ? call.StreamHasMessage : throw Outcome(call.NotCalled());
        }
    }

    /// <summary>Runs the attempts to open through the call pipeline every call shares (its retry rule; no timeout: the stream's deadline is its own).</summary>
    private async ValueTask<bool> OpenCoreAsync()
    {
        var context = Polly.ResilienceContextPool.Shared.Get(Token);
        context.SetCallRequest(_request);
        try
        {
            var outcome = await _runtime.CallPipeline.ExecuteOutcomeAsync(
                static async (context, call) =>
                {
                    try
                    {
                        return Polly.Outcome.FromResult<object>(await call.AttemptAsync(context.CancellationToken).ConfigureAwait(false) ? True : False);
                    }
                    catch (Exception ex)
                    {
                        return Polly.Outcome.FromException<object>(ex);
                    }
                },
                context,
                this).ConfigureAwait(false);
            outcome.ThrowIfException();
            return (bool)outcome.Result!;
        }
        catch (Exception ex) when (Translate(ex, default) is var mapped && !ReferenceEquals(mapped, ex))
        {
            throw mapped;
        }
        finally
        {
            Polly.ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// One attempt to open, through the attempt step every call shares (<see cref="MicroAttempt"/>): the node and its
    /// wire, the codec, the upgrade bounded by the attempt's own timeout (<see cref="MicroAttemptTimeout.ForOpening"/>),
    /// and the outcome recorded for node health and the retry rule (<see cref="AttemptFailure"/>).
    /// </summary>
    private async ValueTask<bool> AttemptAsync(CancellationToken token)
    {
        var state = _state;
        var step = _runtime.Attempt;
        var node = await step.BeginAsync(state, token).ConfigureAwait(false);
        _attemptStarted = _runtime.TimeProvider.GetTimestamp();
        _channel = null;
        var attempt = default(System.Diagnostics.Activity);
        var openTimedOut = false;
        try
        {
            var codec = _codec = step.CodecFor(state, node);
            if (!codec.CanHandle(typeof(TRequest)) || !codec.CanHandle(typeof(TResponse)))
            {
                throw new MicroException(
                    MicroClientErrors.Id, 400, $"stream {state.Service} {state.Endpoint}: {codec.ContentType} cannot carry {typeof(TRequest).Name} and {typeof(TResponse).Name}");
            }

            attempt = StartAttemptSpan(node);
            var wire = state.Wire!;
            // Opening is bounded by the attempt's own timeout even when the stream itself has no deadline, so a node that
            // accepts TCP but never answers the upgrade costs one attempt (and counts toward its ejection), not the call.
            var openTimeout = MicroAttemptTimeout.ForOpening(state, _runtime.Options.RequestTimeout, _runtime.TimeProvider);
            using (var openTimer = new CancellationTokenSource(openTimeout, _runtime.TimeProvider))
            using (var opening = CancellationTokenSource.CreateLinkedTokenSource(token, openTimer.Token))
            {
                try
                {
                    _channel = await wire.OpenStreamAsync(new MicroStreamOpening(_streamer, state, node, codec, _request, attempt), opening.Token).ConfigureAwait(false);
                }
                catch (Exception) when (openTimer.IsCancellationRequested && !token.IsCancellationRequested)
                {
                    openTimedOut = true;
                    throw new TimeoutException(
                        $"no answer to the stream's opening within the attempt timeout of {openTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s");
                }
            }

            var more = true;
            if (_sendFirst)
            {
                await SendCoreAsync(_first!, token).ConfigureAwait(false);
                _first = default;
                await CompleteCoreAsync(token).ConfigureAwait(false);
                more = await ReceiveCoreAsync(token).ConfigureAwait(false);
            }

            step.RecordOpened(node);
            _attemptActivity = attempt;
            return more;
        }
        catch (Exception ex) when (!token.IsCancellationRequested && AttemptFailure(ex, node, openTimedOut) is { } failure)
        {
            StopAttemptSpan(attempt, ex);
            var channel = _channel;
            _channel = null;
            _errorReceived = false;
            _remoteError = null;
            channel?.Abort();
            channel?.Dispose();
            throw failure;
        }
        catch (Exception ex)
        {
            StopAttemptSpan(attempt, ex);
            throw;
        }
        finally
        {
            MicroAttempt.End(state, node);
        }
    }
}
