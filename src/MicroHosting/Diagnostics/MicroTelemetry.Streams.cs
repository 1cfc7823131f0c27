using System.Diagnostics;
using MicroHosting.Registry;
using MicroHosting.Server.Internal;

namespace MicroHosting.Diagnostics;

/// <summary>
/// Stream spans and tags. A client stream has a call span (kind Internal) and one span per attempt to open it (kind Client),
/// the one that got through lasting until the stream ends; the server's span (kind Server) continues the attempt's W3C
/// trace context, sent on the WebSocket upgrade request. Spans and durations carry <c>micro.stream</c>: the stream's kind.
/// </summary>
public static partial class MicroTelemetry
{
    /// <summary>The tag naming a stream's kind (<c>server</c>, <c>client</c> or <c>bidirectional</c>); absent on request/reply calls.</summary>
    internal const string StreamTag = "micro.stream";

    internal static string StreamKind(MicroStreamKind kind) => kind switch
    {
        MicroStreamKind.Server => "server",
        MicroStreamKind.Client => "client",
        MicroStreamKind.Bidirectional => "bidirectional",
        _ => "unary",
    };

    /// <summary>
    /// Starts a client stream's call span without making it current: a stream outlives the method that opens it, and the
    /// caller's code between messages is not part of it. Null when nobody listens.
    /// </summary>
    internal static Activity? StartStream(string service, string endpoint, string stream)
    {
        var previous = Activity.Current;
        var activity = StartCall(service, endpoint);
        Activity.Current = previous;
        activity?.SetTag(StreamTag, stream);
        return activity;
    }

    /// <summary>Starts the span of one attempt to open a stream, a child of <paramref name="call"/>, without making it current.</summary>
    internal static Activity? StartStreamAttempt(Activity? call, string service, string endpoint, MicroNode node, int attempt, string stream)
    {
        var previous = Activity.Current;
        Activity.Current = call ?? previous;
        var activity = StartAttempt(service, endpoint, node, attempt);
        Activity.Current = previous;
        activity?.SetTag(StreamTag, stream);
        return activity;
    }

    /// <summary>Ends a stream's span (see <see cref="Stop"/>) without changing the current activity.</summary>
    internal static void StopDetached(Activity? activity, int statusCode, Exception? error)
    {
        if (activity is null)
        {
            return;
        }

        var previous = Activity.Current;
        Stop(activity, statusCode, error);
        Activity.Current = previous;
    }
}
