using System.Diagnostics;
using System.Globalization;
using System.Net.WebSockets;
using MicroHosting.Diagnostics;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A stream's telemetry: the call span and duration cover the stream from opening to its end; each attempt to open has a
/// span, and the one that got through lasts until the end too. The status is the stream's outcome: 200 when it ended
/// normally, the error's code when it failed, 499 when the caller disposed it before it ended.
/// </summary>
internal sealed partial class MicroStreamCall<TRequest, TResponse>
{
    private readonly string _kind;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly Activity? _activity;
    private Activity? _attemptActivity;
    private int _outcome;
    private Exception? _failure;

    /// <summary>The stream ended as the protocol says it should (the node's normal close).</summary>
    private void Ended()
    {
        if (_outcome == 0)
        {
            _outcome = 200;
        }
    }

    /// <summary>Keeps the first error the caller got: it is the stream's outcome.</summary>
    private Exception Outcome(Exception error)
    {
        if (_outcome == 0)
        {
            _outcome = error switch
            {
                MicroException micro => micro.Code,
                OperationCanceledException => 499,
                _ => 500,
            };
            _failure = error;
        }

        return error;
    }

    private Activity? StartAttemptSpan(NodeCandidate node)
    {
        var state = _state;
        return MicroTelemetry.StartStreamAttempt(_activity, state.Service, state.Endpoint!, node.Node, state.Attempts, _kind);
    }

    private static void StopAttemptSpan(Activity? attempt, Exception error)
        => MicroTelemetry.StopDetached(attempt, error switch
        {
            WebSocketException { InnerException: StreamRefusedException refused } => refused.Status,
            StreamRefusedException refused => refused.Status,
            MicroException micro => micro.Code,
            _ => 0,
        }, error);

    private void StopTelemetry()
    {
        var status = _outcome == 0 ? 499 : _outcome;
        MicroTelemetry.StopDetached(_attemptActivity, status, _failure);
        _activity?.SetTag("micro.attempts", _state.Attempts);
        MicroTelemetry.StopDetached(_activity, status, _failure);
        var errorType = _failure?.GetType().FullName ?? (status >= 500 ? status.ToString(CultureInfo.InvariantCulture) : null);
        _runtime.Metrics.ClientCall(_state.Service, _state.Endpoint!, status, errorType, _started, _kind);
    }
}
