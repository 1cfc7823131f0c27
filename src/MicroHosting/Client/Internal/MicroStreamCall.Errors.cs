using System.Globalization;
using System.Net.WebSockets;

namespace MicroHosting.Client.Internal;

/// <summary>How a stream's failures reach the caller: always a <see cref="MicroException"/> naming the node, or a cancellation.</summary>
internal sealed partial class MicroStreamCall<TRequest, TResponse>
{
    /// <summary>
    /// Sorts out a failed attempt to open: records it through the attempt step (node health; on the call's state, the
    /// status and whether the handler can have run, which the retry rule of <see cref="MicroRetryPredicate"/> judges) and
    /// returns a <see cref="StreamAttemptFailedException"/> carrying the error the caller gets if no retry follows; or
    /// <see langword="null"/> to let the original through (an error no retry can help with).
    /// </summary>
    private Exception? AttemptFailure(Exception ex, NodeCandidate node, bool openTimedOut)
    {
        var state = _state;
        var step = _runtime.Attempt;
        MicroException error;
        switch (ex)
        {
            case WebSocketException or StreamRefusedException when RefusalOf(ex) is { } refused:
                // The upgrade (or the gRPC call) was refused: the stream's handler never ran, so any "try elsewhere" status may be retried.
                error = Refused(node, refused);
                if (refused.Status >= 500)
                {
                    step.RecordServerError(state, node, refused.Status, retryAfter: null);
                }

                state.FailedStatus = refused.Status;
                state.NotSent = true;
                step.LogFailed(state, node, Describe(ex));
                break;
            case MicroException remote when _errorReceived:
                // The handler's error before the first message: it ran, so only an idempotent one runs again (or a 503: not processed).
                if (remote.Code >= 500)
                {
                    step.RecordServerError(state, node, remote.Code, retryAfter: null);
                }

                state.FailedStatus = remote.Code;
                step.LogFailed(state, node, Describe(ex));
                error = remote;
                break;
            case TimeoutException when openTimedOut:
                // The node took the connection but never answered the upgrade: its handler never started.
                step.RecordTimeout(state, node, _attemptStarted, new IOException(Describe(ex), ex));
                state.NotSent = true;
                error = NodesFailed(ex);
                break;
            case WebSocketException or HttpRequestException or IOException or OperationCanceledException:
                // Before the upgrade completed the handler had not started; after it, only an idempotent one runs again.
                step.RecordTransportFailure(state, node, ex, notSent: _channel is null, Describe(ex));
                error = NodesFailed(ex);
                break;
            default:
                return null;
        }

        return new StreamAttemptFailedException(error);
    }

    /// <summary>Maps what a stream operation threw to what the caller gets, which is the stream's outcome.</summary>
    private Exception Translate(Exception ex, CancellationToken operationToken) => Outcome(TranslateCore(ex, operationToken));

    private Exception TranslateCore(Exception ex, CancellationToken operationToken)
    {
        switch (ex)
        {
            case StreamAttemptFailedException attempt:
                return attempt.Error;
            case MicroException:
                return ex;
            case StreamRefusedException refused when _state.Node is { } refusedBy:
                return Refused(refusedBy, refused); // a gRPC stream's refusal arrives with its first receive
        }

        if (_callerToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The stream was cancelled by the caller.", ex, _callerToken);
        }

        if (operationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The stream was cancelled by the caller.", ex, operationToken);
        }

        if (_deadline is { IsCancellationRequested: true })
        {
            return TimedOut(ex);
        }

        if (_contextToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The stream was cancelled: the calling handler's caller went away.", ex, _contextToken);
        }

        if (ex is WebSocketException or HttpRequestException or IOException or OperationCanceledException && _state.Node is { } node)
        {
            if (_remoteError is { } remote)
            {
                return remote; // the node said why it ended the stream; the broken socket that followed says less
            }

            _runtime.Health.TransportFailed(node.State, ex);
            _streamer.LogBroken(_state.Service, _state.Endpoint!, node.Node.Id, node.Node.HostPort, Received, Describe(ex));
            return Failed(500, $"broke after {Received} message(s): {Describe(ex)}", ex);
        }

        return ex;
    }

    /// <summary>The refusal behind a failed opening: a WebSocket upgrade's (<see cref="StreamUpgradeHandler"/>) or a gRPC call's reply that is not HTTP 200.</summary>
    private static StreamRefusedException? RefusalOf(Exception ex)
        => ex as StreamRefusedException ?? (ex as WebSocketException)?.InnerException as StreamRefusedException;

    private MicroException Refused(NodeCandidate node, StreamRefusedException refused)
    {
        var error = MicroException.Parse(refused.Body);
        if (error.Code != 0)
        {
            return error;
        }

        var reason = refused.ReasonPhrase ?? Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(refused.Status);
        var hint = refused.Status is 404 or 405 ? $" (is {_state.Endpoint} a streaming endpoint of {_state.Service}?)" : string.Empty;
        var body = refused.Body.Length > 0 ? ": " + MicroCaller.Shorten(refused.Body) : string.Empty;
        return new MicroException(
            MicroClientErrors.Id,
            refused.Status is >= 400 and <= 599 ? refused.Status : 500,
            $"stream {_state.Service} {_state.Endpoint}: node {node.Node.Id} at {node.Node.HostPort} refused the stream with {refused.Status} {reason}{hint}{body}");
    }

    private MicroNodesFailedException NodesFailed(Exception last)
    {
        var state = _state;
        var failures = state.Failures is { Count: > 0 } list ? string.Join("; ", list) : Describe(last);
        return new MicroNodesFailedException(
            state.Service,
            $"stream {state.Service} {state.Endpoint} could not be opened on any node tried ({state.Attempts} attempt(s)): {failures}",
            last);
    }

    private MicroException TimedOut(Exception inner)
    {
        var budget = _state.Plan.Budget.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        var why = _state.Plan.BudgetFromCaller ? "what was left of the calling handler's deadline" : "MicroCallOptions.Timeout";
        return new MicroException(
            MicroClientErrors.Id,
            408,
            $"stream {_state.Service} {_state.Endpoint} passed its deadline of {budget}s ({why}) after {Received} message(s)",
            innerException: inner);
    }

    private MicroException BadReply(string what, Exception? inner = null) => Failed(500, what, inner);

    /// <summary>A client-side error about the stream's node: "stream greeter Greeter.Chat: node X at Y {what}".</summary>
    private MicroException Failed(int code, string what, Exception? inner = null)
    {
        var node = _state.Node?.Node;
        var where = node is null ? string.Empty : $"node {node.Id} at {node.HostPort} ";
        return new MicroException(MicroClientErrors.Id, code, $"stream {_state.Service} {_state.Endpoint}: {where}{what}", innerException: inner);
    }

    private InvalidOperationException NotOpen()
        => new(Volatile.Read(ref _disposed) != 0 ? "The stream has been disposed." : "The stream is not open.");

    /// <summary>The message of an exception and of its root cause ("Unable to connect ... (Connection refused)").</summary>
    private static string Describe(Exception ex)
    {
        var root = ex.GetBaseException();
        return ReferenceEquals(root, ex) || root.Message == ex.Message ? ex.Message : $"{ex.Message} ({root.Message})";
    }
}
