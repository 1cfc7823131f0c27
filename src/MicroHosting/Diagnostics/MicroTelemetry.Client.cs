using System.Diagnostics;
using System.Net.Http.Headers;
using MicroHosting.Registry;

namespace MicroHosting.Diagnostics;

/// <summary>Client spans: one per call (kind Internal, the logical operation) and one per attempt (kind Client, the node tried).</summary>
public static partial class MicroTelemetry
{
    internal const string TraceParent = "traceparent";
    internal const string TraceState = "tracestate";

    /// <summary>Starts the span of one client call, around every attempt; null when nobody listens.</summary>
    internal static Activity? StartCall(string service, string? endpoint)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity(SpanName(endpoint ?? service), ActivityKind.Internal);
        if (activity is { IsAllDataRequested: true })
        {
            SetRpcTags(activity, service, endpoint);
        }

        return activity;
    }

    /// <summary>Starts the span of one attempt on the chosen node (a child of the call's span); null when nobody listens.</summary>
    internal static Activity? StartAttempt(string service, string? endpoint, MicroNode node, int attempt)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        var activity = ActivitySource.StartActivity(SpanName(endpoint ?? service), ActivityKind.Client);
        if (activity is { IsAllDataRequested: true })
        {
            SetRpcTags(activity, service, endpoint);
            activity.SetTag("server.address", node.Address);
            activity.SetTag("server.port", node.Port);
            activity.SetTag("micro.node.id", node.Id);
            activity.SetTag("micro.attempt", attempt);
        }

        return activity;
    }

    /// <summary>Ends a client span with the status the call or attempt ended with (0 when no reply came).</summary>
    internal static void Stop(Activity? activity, int statusCode, Exception? error)
    {
        if (activity is null)
        {
            return;
        }

        if (statusCode != 0)
        {
            activity.SetTag("rpc.response.status_code", statusCode);
        }

        if (error is not null || statusCode >= 500 || statusCode == 0)
        {
            activity.SetStatus(ActivityStatusCode.Error, error?.Message);
            if (error is not null)
            {
                activity.SetTag("error.type", error.GetType().FullName);
            }
        }

        activity.Dispose();
    }

    /// <summary>
    /// Writes W3C trace context for <paramref name="activity"/> (or the current activity) into the request, replacing what an
    /// earlier attempt wrote; HttpClient's own propagation keeps an existing header, so the attempt's context is what travels.
    /// </summary>
    internal static void Inject(Activity? activity, HttpRequestHeaders headers)
    {
        headers.Remove(TraceParent);
        headers.Remove(TraceState);
        if ((activity ?? Activity.Current) is { IdFormat: ActivityIdFormat.W3C } current)
        {
            headers.TryAddWithoutValidation(TraceParent, FormatTraceParent(current));
            if (current.TraceStateString is { Length: > 0 } state)
            {
                headers.TryAddWithoutValidation(TraceState, state);
            }
        }
    }

    internal static string FormatTraceParent(Activity activity)
        => $"00-{activity.TraceId.ToHexString()}-{activity.SpanId.ToHexString()}-{((activity.ActivityTraceFlags & ActivityTraceFlags.Recorded) != 0 ? "01" : "00")}";

    private static void SetRpcTags(Activity activity, string service, string? endpoint)
    {
        activity.SetTag("rpc.system", RpcSystem);
        if (endpoint is not null)
        {
            var (type, method) = Split(endpoint);
            activity.SetTag("rpc.service", type);
            activity.SetTag("rpc.method", method);
        }

        activity.SetTag("micro.service", service);
    }
}
