using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Diagnostics;

/// <summary>
/// The one <see cref="ActivitySource"/> and the one <see cref="Meter"/> of MicroHosting, both named <c>MicroHosting</c>.
/// Metric and attribute names follow OpenTelemetry's RPC semantic conventions (<c>rpc.system</c> is <c>go_micro</c>).
/// </summary>
public static class MicroTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "MicroHosting";

    internal static readonly string Version = typeof(MicroTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    internal static readonly ActivitySource ActivitySource = new(Name, Version);

    internal static readonly Meter Meter = new(Name, Version);

    internal static readonly Histogram<double> ServerDuration = Meter.CreateHistogram(
        "rpc.server.call.duration",
        unit: "s",
        description: "Duration of RPCs served, by service, endpoint and status code.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    internal const string RpcSystem = "go_micro";

    /// <summary>
    /// Starts the server span of one call; null when nobody listens. It is a child of ASP.NET Core's request activity
    /// when there is one, otherwise of the caller's W3C <c>traceparent</c>, so the trace stays connected either way.
    /// </summary>
    internal static Activity? StartServer(string endpoint, string service, IHeaderDictionary headers)
    {
        if (!ActivitySource.HasListeners())
        {
            return null;
        }

        ActivityContext parent = default;
        if (Activity.Current is null && headers.TryGetValue("traceparent", out var traceParent))
        {
            ActivityContext.TryParse(traceParent.ToString(), headers.TryGetValue("tracestate", out var state) ? state.ToString() : null, isRemote: true, out parent);
        }

        var activity = ActivitySource.StartActivity(SpanName(endpoint), ActivityKind.Server, parent);
        if (activity is { IsAllDataRequested: true })
        {
            var (type, method) = Split(endpoint);
            activity.SetTag("rpc.system", RpcSystem);
            activity.SetTag("rpc.service", type);
            activity.SetTag("rpc.method", method);
            activity.SetTag("micro.service", service);
        }

        return activity;
    }

    /// <summary>Ends a server call: records its duration and status, and marks the span.</summary>
    internal static void StopServer(Activity? activity, string endpoint, string service, int statusCode, long startTimestamp)
    {
        if (activity is not null)
        {
            activity.SetTag("rpc.response.status_code", statusCode);
            if (statusCode >= 500 || statusCode == 0)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.Dispose();
        }

        if (ServerDuration.Enabled)
        {
            var (type, method) = Split(endpoint);
            ServerDuration.Record(
                Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds,
                new KeyValuePair<string, object?>("rpc.system", RpcSystem),
                new KeyValuePair<string, object?>("rpc.service", type),
                new KeyValuePair<string, object?>("rpc.method", method),
                new KeyValuePair<string, object?>("micro.service", service),
                new KeyValuePair<string, object?>("rpc.response.status_code", statusCode));
        }
    }

    internal static string SpanName(string endpoint) => endpoint.Replace('.', '/');

    private static (string Type, string Method) Split(string endpoint)
    {
        var dot = endpoint.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (endpoint, string.Empty) : (endpoint[..dot], endpoint[(dot + 1)..]);
    }
}
