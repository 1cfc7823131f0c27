namespace MicroHosting.Benchmarks.Tests;

public sealed class BenchmarkAppTests
{
    [Fact]
    public async Task RunAsync_BadArguments_ExitsWithTwoAndUsage()
    {
        var output = new StringWriter();
        var log = new StringWriter();

        var exitCode = await BenchmarkApp.RunAsync(["unary", "--concurrency", "none"], output, log, CancellationToken.None);

        Assert.Equal(2, exitCode);
        Assert.Empty(output.ToString());
        Assert.Contains("--concurrency takes whole numbers from 1 to 10000, not 'none'.", log.ToString(), StringComparison.Ordinal);
        Assert.Contains("Usage: dotnet run -c Release --project test/MicroHosting.Benchmarks -- <scenario>", log.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Help_ListsEveryScenario()
    {
        var output = new StringWriter();

        var exitCode = await BenchmarkApp.RunAsync(["--help"], output, TextWriter.Null, CancellationToken.None);

        Assert.Equal(0, exitCode);
        foreach (var scenario in Benchmarks.Scenarios.Scenario.All)
        {
            Assert.Contains($"  {scenario.Name}", output.ToString(), StringComparison.Ordinal);
        }
    }
}
