using MicroHosting.Benchmarks.Scenarios;

namespace MicroHosting.Benchmarks.Tests.Scenarios;

public sealed class MicroScenarioTests
{
    [Fact]
    public async Task RunAsync_Quick_RunsEveryBenchmarkWithARatioToItsBaseline()
    {
        var report = await BenchmarkApp.RunScenarioAsync(QuickOptions.For("micro"), TextWriter.Null, CancellationToken.None);

        Assert.Equal(38, report.MicroResults.Count);
        Assert.All(report.MicroResults, result =>
        {
            Assert.False(double.IsNaN(result.Ratio), $"{result.Benchmark} has no baseline");
            Assert.True(result.Ratio > 0, $"{result.Benchmark}: ratio {result.Ratio}");
            Assert.NotNull(result.AllocatedBytes);
        });
    }
}
