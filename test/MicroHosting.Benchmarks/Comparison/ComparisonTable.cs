namespace MicroHosting.Benchmarks.Comparison;

/// <summary>Targets compared in the same run at several concurrency levels: one payload, one table.</summary>
/// <param name="Title">The table title (the payload).</param>
/// <param name="Targets">The rows, baselines first.</param>
/// <param name="MessagesPerCall">Messages in one call (a stream); above 1 the table also shows messages per second.</param>
internal sealed record ComparisonTable(string Title, IReadOnlyList<TargetSpec> Targets, int MessagesPerCall = 1);
