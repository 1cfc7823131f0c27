using System.Diagnostics;
using MicroHosting.Server.Internal.Debug;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MicroHosting.Server.Internal;

/// <summary>Go Micro's built-in <c>Debug.Health</c> and <c>Debug.Stats</c>; not listed in the registry.</summary>
internal sealed class DebugHandlers(TimeProvider timeProvider, HealthCheckService? healthChecks = null)
{
    private readonly DateTimeOffset _started = timeProvider.GetUtcNow();

    public static IReadOnlyList<MicroHandler> Create()
    {
        var health = MicroHandlerFactory.FromDelegate("Debug.Health", static (HealthRequest request, MicroContext context) =>
            Resolve(context).HealthAsync(context.CancellationToken));
        var stats = MicroHandlerFactory.FromDelegate("Debug.Stats", static (StatsRequest request, MicroContext context) =>
            Resolve(context).Stats());
        return [Hide(health), Hide(stats)];
    }

    /// <summary>Reports <c>ok</c> when every registered health check is healthy (or degraded), as Go Micro's peers expect.</summary>
    public async Task<HealthResponse> HealthAsync(CancellationToken cancellationToken)
    {
        if (healthChecks is null)
        {
            return new HealthResponse { Status = "ok" };
        }

        var report = await healthChecks.CheckHealthAsync(cancellationToken).ConfigureAwait(false);
        return new HealthResponse { Status = report.Status == HealthStatus.Unhealthy ? "unhealthy" : "ok" };
    }

    public StatsResponse Stats()
    {
        var now = timeProvider.GetUtcNow();
        using var process = Process.GetCurrentProcess();
        return new StatsResponse
        {
            Started = (ulong)_started.ToUnixTimeSeconds(),
            Uptime = (ulong)Math.Max(0, (now - _started).TotalSeconds),
            Memory = (ulong)GC.GetTotalMemory(forceFullCollection: false),
            Threads = (ulong)process.Threads.Count,
            Gc = (ulong)GC.GetTotalPauseDuration().Ticks * 100,
        };
    }

    private static DebugHandlers Resolve(MicroContext context)
        => (DebugHandlers)context.HttpContext.RequestServices.GetService(typeof(DebugHandlers))!;

    private static MicroHandler Hide(MicroHandler handler)
    {
        handler.Hidden = true;
        return handler;
    }
}
