namespace MicroHosting.Benchmarks.Comparison;

/// <summary>Targets compared in the same run at several concurrency levels: one payload, one table.</summary>
/// <param name="Title">The table title (the payload).</param>
/// <param name="Targets">The rows, baselines first.</param>
internal sealed record ComparisonTable(string Title, IReadOnlyList<TargetSpec> Targets);
