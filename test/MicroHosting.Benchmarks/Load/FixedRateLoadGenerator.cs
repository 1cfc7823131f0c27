using System.Diagnostics;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Load;

/// <summary>
/// Drives a target at a fixed rate (open loop): calls start on schedule whether or not earlier ones finished, so a
/// stall shows up as latency and more calls in flight instead of slowing the load (no coordinated omission). Starts what
/// is due on a ~1 ms tick; each latency runs from the call's actual start, so the tick's own lateness is not counted.
/// </summary>
internal static class FixedRateLoadGenerator
{
    public static async Task<LoadResult> RunAsync(
        CallTarget target,
        int rate,
        TimeSpan warmup,
        TimeSpan duration,
        IBenchServers servers,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1);
        await RunScheduleAsync(target, rate, warmup, histogram: null, cancellationToken).ConfigureAwait(false);
        var histogram = new LatencyHistogram();
        var serverBefore = await servers.GetUsageAsync(cancellationToken).ConfigureAwait(false);
        var clientBefore = ProcessUsage.Current();
        var started = Stopwatch.GetTimestamp();
        var errors = await RunScheduleAsync(target, rate, duration, histogram, cancellationToken).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var clientAfter = ProcessUsage.Current();
        var serverAfter = await servers.GetUsageAsync(cancellationToken).ConfigureAwait(false);
        return LoadResult.From(histogram, errors, elapsed, clientAfter - clientBefore, serverAfter - serverBefore);
    }

    private static async Task<long> RunScheduleAsync(CallTarget target, int rate, TimeSpan duration, LatencyHistogram? histogram, CancellationToken cancellationToken)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var interval = (double)Stopwatch.Frequency / rate;
        var start = Stopwatch.GetTimestamp();
        var calls = new List<Task<long>>((int)Math.Min(total, 1_000_000));
        long started = 0;
        while (started < total)
        {
            var now = Stopwatch.GetTimestamp();
            while (started < total && start + (long)(started * interval) <= now)
            {
                calls.Add(CallAsync(target, cancellationToken));
                started++;
            }

            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
        }

        long errors = 0;
        foreach (var latency in await Task.WhenAll(calls).ConfigureAwait(false))
        {
            if (latency < 0)
            {
                errors++;
            }
            else
            {
                histogram?.Record(latency);
            }
        }

        return errors;
    }

    /// <summary>Makes one call; returns its latency in nanoseconds, or -1 when it failed.</summary>
    private static async Task<long> CallAsync(CallTarget target, CancellationToken cancellationToken)
    {
        var scheduled = Stopwatch.GetTimestamp();
        try
        {
            await target.CallAsync(cancellationToken).ConfigureAwait(false);
            return (long)((Stopwatch.GetTimestamp() - scheduled) * (1e9 / Stopwatch.Frequency));
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return -1;
        }
    }
}
