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
        // Built directly (closed types, no MakeGenericMethod), so they map under Native AOT too.
        Func<HealthRequest, MicroContext, Task<HealthResponse>> health = static (request, context) => Resolve(context).HealthAsync(context.CancellationToken);
        Func<StatsRequest, MicroContext, StatsResponse> stats = static (request, context) => Resolve(context).Stats();
        return
        [
            Hide(new MicroHandler<HealthRequest, HealthResponse>("Debug.Health", health.Method, (request, context) => new ValueTask<HealthResponse>(health(request, context)))),
            Hide(new MicroHandler<StatsRequest, StatsResponse>("Debug.Stats", stats.Method, (request, context) => new ValueTask<StatsResponse>(stats(request, context)))),
        ];
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
