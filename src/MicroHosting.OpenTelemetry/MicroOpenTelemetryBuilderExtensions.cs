using MicroHosting.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MicroHosting's activity source and meter (both named <c>MicroHosting</c>) to OpenTelemetry.</summary>
public static class MicroOpenTelemetryBuilderExtensions
{
    /// <summary>
    /// Adds MicroHosting's spans and metrics: <c>builder.Services.AddOpenTelemetry().AddMicroInstrumentation()</c>.
    /// Exporters are still yours to add (OTLP, console, ...).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddOpenTelemetry()</c>.</param>
    /// <returns>The same builder.</returns>
    public static IOpenTelemetryBuilder AddMicroInstrumentation(this IOpenTelemetryBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithTracing(static tracing => tracing.AddMicroInstrumentation())
            .WithMetrics(static metrics => metrics.AddMicroInstrumentation());
    }

    /// <summary>
    /// Adds the <c>MicroHosting</c> activity source: client calls (<c>Type/Method</c>, kind Internal) with one span per
    /// attempt (kind Client, the node tried), server calls (kind Server), <c>send {topic}</c> (Producer) and
    /// <c>process {topic}</c> (Consumer). Streams have the same client and server spans, tagged <c>micro.stream</c>.
    /// W3C trace context travels in HTTP headers (for streams, on the WebSocket upgrade request) and in message headers.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder.</returns>
    public static TracerProviderBuilder AddMicroInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MicroTelemetry.Name);
    }

    /// <summary>
    /// Adds the <c>MicroHosting</c> meter: <c>rpc.server.call.duration</c>, <c>rpc.client.call.duration</c>,
    /// <c>microhosting.client.retries</c>, <c>microhosting.client.ejections</c>, <c>microhosting.registry.*</c> and
    /// <c>microhosting.broker.*</c>.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The same builder.</returns>
    public static MeterProviderBuilder AddMicroInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(MicroTelemetry.Name);
    }
}
