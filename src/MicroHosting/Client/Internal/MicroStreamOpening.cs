using System.Diagnostics;
using System.Globalization;
using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// What one attempt to open a stream hands the node's wire (<see cref="MicroWire.OpenStreamAsync"/>): the call, its
/// node and codec, and the headers every stream carries whatever the wire (<see cref="ApplyHeadersAsync{TTarget}"/>).
/// </summary>
internal sealed class MicroStreamOpening(MicroStreamer streamer, MicroCallState state, NodeCandidate node, MicroCodec codec, MicroCallRequest request, Activity? attempt)
{
    public MicroStreamer Streamer { get; } = streamer;

    public MicroCallState State { get; } = state;

    public NodeCandidate Node { get; } = node;

    /// <summary>Gets the codec of the messages (without any framing of the wire).</summary>
    public MicroCodec Codec { get; } = codec;

    /// <summary>Gets the time left of the stream's deadline, or <see langword="null"/> without one.</summary>
    public TimeSpan? Left
        => State.Plan.HasDeadline
            ? TimeSpan.FromTicks(Math.Max(1, State.Plan.Deadline - Streamer.Runtime.TimeProvider.GetUtcNow().UtcTicks))
            : null;

    /// <summary>
    /// Sets the headers of every stream on the wire's opening request: the call's (id, propagated metadata,
    /// Micro-From-Service, metadata), Go Micro's <c>Timeout</c> (nanoseconds left, when there is a deadline; the server
    /// ends the stream on it), the attempt's W3C trace context, and the credential.
    /// </summary>
    public async ValueTask ApplyHeadersAsync<TTarget>(TTarget target, Action<TTarget, string, string> set, CancellationToken cancellationToken)
    {
        foreach (var (name, values) in request.Headers.NonValidated)
        {
            set(target, name, values.ToString());
        }

        if (Left is { } left)
        {
            set(target, MicroHeaders.Timeout, (left.Ticks * 100).ToString(CultureInfo.InvariantCulture));
        }

        if ((attempt ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } current)
        {
            set(target, MicroTelemetry.TraceParent, MicroTelemetry.FormatTraceParent(current));
            if (current.TraceStateString is { Length: > 0 } traceState)
            {
                set(target, MicroTelemetry.TraceState, traceState);
            }
        }

        if (await Streamer.Credentials.ForStreamAsync(State, Node, request, cancellationToken).ConfigureAwait(false) is { } credential)
        {
            set(target, MicroHosting.Security.Internal.MicroCredentials.AuthorizationHeader, credential);
        }
    }
}
