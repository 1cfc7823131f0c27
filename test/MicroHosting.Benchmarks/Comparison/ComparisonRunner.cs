using System.Globalization;
using MicroHosting.Benchmarks.Load;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Comparison;

/// <summary>
/// Runs every target of every table at every concurrency, one after the other against the same servers, repeated
/// (each repetition in a rotated order, see <see cref="OrderOf"/>); reports medians and the ratio to each baseline
/// measured in the same repetition.
/// </summary>
internal static class ComparisonRunner
{
    private const int PrimingCalls = 200;

    /// <summary>Runs one target at one level (concurrency or rate) and measures it.</summary>
    public delegate Task<LoadResult> Measure(CallTarget target, int level, BenchmarkOptions options, IBenchServers servers, CancellationToken cancellationToken);

    /// <summary>The closed loop: the level is the number of concurrent callers.</summary>
    public static Task<LoadResult> ClosedLoop(CallTarget target, int level, BenchmarkOptions options, IBenchServers servers, CancellationToken cancellationToken)
        => ClosedLoopLoadGenerator.RunAsync(target, level, options.EffectiveWarmup, options.EffectiveDuration, servers, cancellationToken);

    /// <summary>The fixed rate: the level is calls per second.</summary>
    public static Task<LoadResult> FixedRate(CallTarget target, int level, BenchmarkOptions options, IBenchServers servers, CancellationToken cancellationToken)
        => FixedRateLoadGenerator.RunAsync(target, level, options.EffectiveWarmup, options.EffectiveDuration, servers, cancellationToken);

    public static async Task<IReadOnlyList<ComparisonRow>> RunAsync(
        IReadOnlyList<ComparisonTable> tables,
        IReadOnlyList<int> concurrency,
        Measure measure,
        BenchmarkOptions options,
        IBenchServers servers,
        TextWriter log,
        CancellationToken cancellationToken)
    {
        var targets = tables.ToDictionary(t => t, t => t.Targets.Select(s => s.Create(servers.Addresses)).ToArray());
        using var clientSampler = options.AllocationProfile && !options.InProcess ? new AllocationSampler() : null;
        try
        {
            // JIT, connection and pool set-up happen here, not in the first target's measured run.
            foreach (var target in targets.Values.SelectMany(t => t))
            {
                for (var i = 0; i < PrimingCalls; i++)
                {
                    await target.CallAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            if (!options.Quick)
            {
                // Tiered JIT compiles the hot path in the background during the first seconds of load, on the load
                // generator's one core: a row measured first after a 1 s warm-up cost up to 4x its CPU per call (h2c
                // small JSON, c=64: 54 µs/call first, 12 µs after 5 s). One unmeasured run of every target at the highest
                // level first, so the first measured row does not pay for it.
                var warmUp = options with { Duration = options.EffectiveWarmup };
                foreach (var target in targets.Values.SelectMany(t => t))
                {
                    await measure(target, concurrency.Max(), warmUp, servers, cancellationToken).ConfigureAwait(false);
                }
            }

            var runs = new Dictionary<(ComparisonTable Table, int Concurrency, int Target), List<LoadResult>>();
            for (var repeat = 1; repeat <= options.EffectiveRepeat; repeat++)
            {
                foreach (var table in tables)
                {
                    foreach (var callers in concurrency)
                    {
                        foreach (var t in OrderOf(table.Targets.Count, repeat))
                        {
                            clientSampler?.Take();
                            var result = await measure(targets[table][t], callers, options, servers, cancellationToken).ConfigureAwait(false);
                            await log.WriteLineAsync(string.Create(
                                CultureInfo.InvariantCulture,
                                $"[{repeat}/{options.EffectiveRepeat}] {table.Title}, {callers}, {table.Targets[t].Name}: {result.Throughput:F0} req/s, p50 {result.P50.TotalMilliseconds:F3} ms, p99 {result.P99.TotalMilliseconds:F3} ms, errors {result.Errors}")).ConfigureAwait(false);
                            if (result.ServerAllocationProfile is { } profile)
                            {
                                await log.WriteLineAsync("  server allocations by type (sampled):\n" + profile).ConfigureAwait(false);
                            }

                            if (clientSampler is not null)
                            {
                                await log.WriteLineAsync("  load generator (client) allocations by type (sampled, warm-up included):\n" + clientSampler.Take(40)).ConfigureAwait(false);
                            }

                            var key = (table, callers, t);
                            if (!runs.TryGetValue(key, out var list))
                            {
                                runs[key] = list = [];
                            }

                            list.Add(result);
                        }
                    }
                }
            }

            return [.. Summarize(tables, concurrency, runs)];
        }
        finally
        {
            foreach (var target in targets.Values.SelectMany(t => t))
            {
                target.Dispose();
            }
        }
    }

    /// <summary>
    /// The order the targets of one table run in, repetition <paramref name="repeat"/> (1-based): each repetition starts
    /// one target later, so no target always runs right after the warm-up or always last, and a machine whose load drifts
    /// during a repetition does not favour the same rows every time.
    /// </summary>
    internal static IEnumerable<int> OrderOf(int count, int repeat)
    {
        for (var i = 0; i < count; i++)
        {
            yield return (i + repeat - 1) % count;
        }
    }

    private static IEnumerable<ComparisonRow> Summarize(
        IReadOnlyList<ComparisonTable> tables,
        IReadOnlyList<int> concurrency,
        Dictionary<(ComparisonTable Table, int Concurrency, int Target), List<LoadResult>> runs)
    {
        foreach (var table in tables)
        {
            var baselines = table.Targets.Select((spec, index) => (spec, index)).Where(b => b.spec.Baseline is not null).ToArray();
            foreach (var callers in concurrency)
            {
                for (var t = 0; t < table.Targets.Count; t++)
                {
                    var mine = runs[(table, callers, t)];
                    var ratios = new Dictionary<string, double>();
                    foreach (var (spec, index) in baselines.Where(b => b.index != t))
                    {
                        var theirs = runs[(table, callers, index)];
                        ratios[spec.Baseline!] = Median(mine.Zip(theirs, (m, b) => b.Throughput > 0 ? m.Throughput / b.Throughput : 0));
                    }

                    double? p99Ratio = null;
                    if (baselines.Length > 0 && baselines[0].index != t)
                    {
                        var first = runs[(table, callers, baselines[0].index)];
                        p99Ratio = Median(mine.Zip(first, (m, b) => b.P99 > TimeSpan.Zero ? m.P99 / b.P99 : 0));
                    }

                    yield return new ComparisonRow(table.Title, callers, table.Targets[t].Name, table.Targets[t].Baseline, MedianOf(mine), ratios, p99Ratio);
                }
            }
        }
    }

    private static LoadResult MedianOf(List<LoadResult> results)
    {
        var byThroughput = results.OrderBy(r => r.Throughput).ToArray();
        var middle = byThroughput[byThroughput.Length / 2];
        return middle with
        {
            Errors = results.Sum(r => r.Errors),
            P50 = TimeSpan.FromTicks((long)Median(results.Select(r => (double)r.P50.Ticks))),
            P99 = TimeSpan.FromTicks((long)Median(results.Select(r => (double)r.P99.Ticks))),
            ClientBytesPerCall = Median(results.Select(r => r.ClientBytesPerCall)),
            ServerBytesPerCall = results.All(r => r.ServerBytesPerCall is not null) ? Median(results.Select(r => r.ServerBytesPerCall!.Value)) : null,
            ClientCpuPerCall = Median(results.Select(r => r.ClientCpuPerCall)),
            ServerCpuPerCall = results.All(r => r.ServerCpuPerCall is not null) ? Median(results.Select(r => r.ServerCpuPerCall!.Value)) : null,
        };
    }

    internal static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var half = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[half] : (sorted[half - 1] + sorted[half]) / 2;
    }
}
