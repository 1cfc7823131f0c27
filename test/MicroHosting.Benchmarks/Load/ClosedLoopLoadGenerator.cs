using System.Diagnostics;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Load;

/// <summary>
/// Drives a target with a fixed number of concurrent callers, each sending its next call as soon as the last one
/// returns (closed loop: measures throughput; latency under this loop hides queueing, see the call-path scenario).
/// Calls made during the warm-up are not counted.
/// </summary>
internal static class ClosedLoopLoadGenerator
{
    private const int Measuring = 1;
    private const int Stopped = 2;

    public static async Task<LoadResult> RunAsync(
        CallTarget target,
        int concurrency,
        TimeSpan warmup,
        TimeSpan duration,
        IBenchServers servers,
        CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(concurrency, 1);
        var phase = new int[2]; // [0]: 0 warming up, Measuring, Stopped; [1]: calls ended in the measured window
        var workers = new Task<WorkerResult>[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            workers[i] = Task.Run(() => WorkAsync(target, phase, cancellationToken), cancellationToken);
        }

        await Task.Delay(warmup, cancellationToken).ConfigureAwait(false);
        _ = await servers.TakeAllocationProfileAsync(cancellationToken).ConfigureAwait(false);
        var serverBefore = await servers.GetUsageAsync(cancellationToken).ConfigureAwait(false);
        var clientBefore = ProcessUsage.Current();
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref phase[0], Measuring);
        await Task.Delay(duration, cancellationToken).ConfigureAwait(false);

        // The window also lasts until one call ended in it: a short run on a starved machine still measures something
        // (throughput divides by the window's real length).
        while (Volatile.Read(ref phase[1]) == 0)
        {
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref phase[0], Stopped);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var clientAfter = ProcessUsage.Current();
        var serverAfter = await servers.GetUsageAsync(cancellationToken).ConfigureAwait(false);
        var profile = await servers.TakeAllocationProfileAsync(cancellationToken).ConfigureAwait(false);

        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var histogram = new LatencyHistogram();
        long errors = 0;
        foreach (var result in results)
        {
            histogram.Add(result.Histogram);
            errors += result.Errors;
        }

        return LoadResult.From(histogram, errors, elapsed, clientAfter - clientBefore, serverAfter - serverBefore) with
        {
            ServerAllocationProfile = profile,
        };
    }

    private static async Task<WorkerResult> WorkAsync(CallTarget target, int[] phase, CancellationToken cancellationToken)
    {
        var histogram = new LatencyHistogram();
        long errors = 0;
        while (Volatile.Read(ref phase[0]) != Stopped)
        {
            var start = Stopwatch.GetTimestamp();
            var ok = true;
            try
            {
                await target.CallAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                ok = false;
            }

            // A call counts when it ends inside the measured window.
            if (Volatile.Read(ref phase[0]) == Measuring)
            {
                Interlocked.Increment(ref phase[1]);
                if (ok)
                {
                    histogram.Record((long)Stopwatch.GetElapsedTime(start).TotalNanoseconds);
                }
                else
                {
                    errors++;
                }
            }
        }

        return new WorkerResult(histogram, errors);
    }

    private sealed record WorkerResult(LatencyHistogram Histogram, long Errors);
}
