namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>A scenario whose feature has not landed: it says so instead of printing numbers.</summary>
internal sealed class NotAvailableScenario(string name, string description, string reason) : Scenario
{
    public override string Name => name;

    public override string Description => description;

    public string Reason => reason;

    public override Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
        => Task.FromResult(new ScenarioReport(name, $"## {name}\n\nnot available yet: {reason}\n") { NotAvailable = reason });
}
