using MicroHosting.Benchmarks.Load;

namespace MicroHosting.Benchmarks.Comparison;

/// <summary>The medians of one target at one concurrency across repetitions, with its ratios to the baselines.</summary>
/// <param name="Table">The table title.</param>
/// <param name="Concurrency">Concurrent callers.</param>
/// <param name="Target">The row label.</param>
/// <param name="Baseline">The baseline name when this row is a baseline; <see langword="null"/> for a measured target.</param>
/// <param name="Result">Median throughput, latencies and allocations; errors summed.</param>
/// <param name="ThroughputRatios">Median of this target's throughput divided by each baseline's, per repetition, by baseline name.</param>
/// <param name="P99Ratio">Median of this target's p99 divided by the first baseline's; <see langword="null"/> for that baseline itself.</param>
internal sealed record ComparisonRow(
    string Table,
    int Concurrency,
    string Target,
    string? Baseline,
    LoadResult Result,
    IReadOnlyDictionary<string, double> ThroughputRatios,
    double? P99Ratio);
