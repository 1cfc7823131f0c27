namespace MicroHosting.Benchmarks.Faults;

/// <summary>One fault under load: call outcomes, latency of the calls that succeeded, and where the attempts went.</summary>
/// <param name="Fault">The fault.</param>
/// <param name="Description">What the fault is, for the table.</param>
/// <param name="Calls">Calls made (at the fixed rate).</param>
/// <param name="Failed">Calls that failed.</param>
/// <param name="P50">Median latency of the calls that succeeded.</param>
/// <param name="P99">99th percentile latency of the calls that succeeded.</param>
/// <param name="Attempts">Attempts made in all (retries and hedges included).</param>
/// <param name="BadNodeAttempts">Attempts that went to the faulty node.</param>
internal sealed record FaultRow(FaultKind Fault, string Description, long Calls, long Failed, TimeSpan P50, TimeSpan P99, long Attempts, long BadNodeAttempts);
