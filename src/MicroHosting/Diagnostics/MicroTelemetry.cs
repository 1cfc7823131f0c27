using System.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Diagnostics;

/// <summary>
/// The one <see cref="ActivitySource"/> and the one meter of MicroHosting, both named <c>MicroHosting</c>.
/// Metric and attribute names follow OpenTelemetry's RPC and messaging semantic conventions (<c>rpc.system</c> is <c>go_micro</c>).
/// The activity source is static; the meter is created through the host's <see cref="System.Diagnostics.Metrics.IMeterFactory"/>,
/// one per service provider, under the same name. Add both to OpenTelemetry with <c>AddMicroInstrumentation()</c>
/// (package MicroHosting.OpenTelemetry) or <c>AddSource(MicroTelemetry.Name)</c> and <c>AddMeter(MicroTelemetry.Name)</c>.
/// </summary>
public static partial class MicroTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "MicroHosting";

    internal static readonly string Version = typeof(MicroTelemetry).Assembly.GetName().Version?.ToString() ?? "0.0.0";

    internal static readonly ActivitySource ActivitySource = new(Name, Version);

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

    /// <summary>Ends a server call: records its duration and status, and marks the span; <paramref name="stream"/> names a stream's kind.</summary>
    internal static void StopServer(Activity? activity, MicroMetrics metrics, string endpoint, string service, int statusCode, long startTimestamp, string? stream = null)
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

        metrics.ServerCall(service, endpoint, statusCode, Stopwatch.GetElapsedTime(startTimestamp), stream);
    }

    internal static string SpanName(string endpoint) => endpoint.Replace('.', '/');

    internal static (string Type, string Method) Split(string endpoint) => Internal.MicroEndpointName.Split(endpoint);
}
