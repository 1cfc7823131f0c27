using MicroHosting.Benchmarks.Comparison;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>What a scenario produced: comparison rows or microbenchmark results, and the Markdown it printed.</summary>
/// <param name="Scenario">The scenario name.</param>
/// <param name="Markdown">The result tables as Markdown.</param>
internal sealed record ScenarioReport(string Scenario, string Markdown)
{
    /// <summary>Gets the load-test rows (server, unary).</summary>
    public IReadOnlyList<ComparisonRow> Rows { get; init; } = [];

    /// <summary>Gets the pub/sub rows (pubsub).</summary>
    public IReadOnlyList<PubSub.PubSubRow> PubSubRows { get; init; } = [];

    /// <summary>Gets the mDNS transitions (mdns).</summary>
    public IReadOnlyList<Mdns.MdnsRow> MdnsRows { get; init; } = [];

    /// <summary>Gets the fault rows (faults).</summary>
    public IReadOnlyList<Faults.FaultRow> FaultRows { get; init; } = [];

    /// <summary>Gets the microbenchmark results (micro).</summary>
    public IReadOnlyList<MicroResult> MicroResults { get; init; } = [];
}
