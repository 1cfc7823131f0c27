using MicroHosting.Benchmarks.Scenarios;

namespace MicroHosting.Benchmarks.Tests.Scenarios;

/// <summary>The mDNS smoke run: node child processes on lo, every transition seen by the watcher. No timing assertions.</summary>
public sealed class MdnsScenarioTests
{
    [Fact]
    public async Task RunAsync_Quick_EveryTransitionIsMeasured()
    {
        var report = await BenchmarkApp.RunScenarioAsync(QuickOptions.For("mdns") with { Repeat = 1 }, TextWriter.Null, CancellationToken.None);

        Assert.Equal(
            [MdnsScenario.ProbingOn, MdnsScenario.ProbingOnRegister, MdnsScenario.ProbingOff, MdnsScenario.ProbingOffRegister, MdnsScenario.Goodbye, MdnsScenario.Killed],
            report.MdnsRows.Select(r => r.Measurement));
        Assert.All(report.MdnsRows, row =>
        {
            Assert.Single(row.Samples);
            Assert.True(row.Median > 0, $"{row.Measurement}: {row.Median} ms");
        });
        Assert.Contains("| " + MdnsScenario.Goodbye + " | 1 |", report.Markdown, StringComparison.Ordinal);
    }
}
