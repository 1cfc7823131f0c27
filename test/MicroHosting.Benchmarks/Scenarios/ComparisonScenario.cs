using MicroHosting.Benchmarks.Comparison;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>A load-test scenario: tables of targets and baselines run against the same servers.</summary>
internal abstract class ComparisonScenario : Scenario
{
    public override async Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        // --target "a|b": the rows (or whole tables) any of the alternatives names.
        var filters = options.Target?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        bool Matches(string text) => filters.Any(f => text.Contains(f, StringComparison.OrdinalIgnoreCase));
        var tables = filters.Length == 0
            ? Tables
            : [.. Tables
                .Select(t => Matches(t.Title)
                    ? t // the whole table, its baselines included
                    : t with { Targets = [.. t.Targets.Where(s => Matches(s.Name))] })
                .Where(t => t.Targets.Count > 0)];
        var levels = Levels(options);
        await using var servers = await StartServersAsync(options, cancellationToken).ConfigureAwait(false);
        await log.WriteLineAsync($"{Name}: {servers.Placement}").ConfigureAwait(false);
        var rows = await ComparisonRunner.RunAsync(tables, levels, Measure, options, servers, log, cancellationToken).ConfigureAwait(false);
        var markdown = MarkdownReport.Format($"{Name}: {Description}", servers.Placement, options, tables, rows, LevelName);
        return new ScenarioReport(Name, markdown) { Rows = rows };
    }

    protected abstract IReadOnlyList<ComparisonTable> Tables { get; }

    protected abstract IReadOnlyList<int> DefaultConcurrency { get; }

    /// <summary>Gets how each target is driven; the closed loop by default.</summary>
    protected virtual ComparisonRunner.Measure Measure => ComparisonRunner.ClosedLoop;

    /// <summary>Gets the column name of the level (concurrency, or rate for a fixed-rate scenario).</summary>
    protected virtual string LevelName => "conc";

    /// <summary>Gets the levels to run: concurrency by default.</summary>
    protected virtual IReadOnlyList<int> Levels(BenchmarkOptions options) => options.ConcurrencyOr([.. DefaultConcurrency]);
}
