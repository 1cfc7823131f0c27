using MicroHosting.Benchmarks.Faults;

namespace MicroHosting.Benchmarks.Tests.Scenarios;

/// <summary>The fault smoke run: every fault measured, with the outcomes the retry rule promises. No timing assertions.</summary>
public sealed class FaultScenarioTests
{
    [Fact]
    public async Task RunAsync_Quick_EveryFaultMeasuredIdempotentCallsNeverFailNonIdempotentRunOnce()
    {
        var report = await BenchmarkApp.RunScenarioAsync(QuickOptions.For("faults"), TextWriter.Null, CancellationToken.None);

        Assert.Equal(FaultScenario.Faults.Select(f => f.Fault), report.FaultRows.Select(r => r.Fault));
        Assert.All(report.FaultRows, row =>
        {
            Assert.True(row.Calls > 0, $"{row.Description}: no calls");
            Assert.True(row.Attempts >= row.Calls, $"{row.Description}: {row.Attempts} attempts for {row.Calls} calls");
            if (row.Fault == FaultKind.ThrowingNotIdempotent)
            {
                // Every call that reached the throwing handler failed there and was not run again elsewhere.
                Assert.Equal(row.BadNodeAttempts, row.Failed);
                Assert.Equal(row.Calls, row.Attempts);
            }
            else
            {
                Assert.Equal(0, row.Failed);
            }
        });
        Assert.Contains("| hung (accepts, never answers) |", report.Markdown, StringComparison.Ordinal);
    }
}
