using MicroHosting.Benchmarks.Scenarios;

namespace MicroHosting.Benchmarks.Tests.Scenarios;

/// <summary>The benchmark smoke run: each load scenario in quick mode, in-process. No timing assertions.</summary>
public sealed class ComparisonScenarioTests
{
    [Theory]
    [InlineData("server", 12, "raw,raw+client headers,raw+headers")]
    [InlineData("unary", 20, "gRPC,raw")]
    [InlineData("call-path", 4, "direct")]
    [InlineData("streaming", 8, "gRPC")]
    public async Task RunAsync_Quick_EveryTargetAnswersAndGetsRatios(string scenario, int rows, string baselines)
    {
        var report = await BenchmarkApp.RunScenarioAsync(QuickOptions.For(scenario), TextWriter.Null, CancellationToken.None);

        Assert.Equal(rows, report.Rows.Count);
        Assert.All(report.Rows, row =>
        {
            Assert.Equal(0, row.Result.Errors);
            Assert.True(row.Result.Calls > 0, $"{row.Target} made no calls");
            Assert.True(row.Result.P99 >= row.Result.P50, $"{row.Target}: p99 below p50");
            Assert.True(row.Result.ClientCpuPerCall > 0, $"{row.Target}: no client CPU per call");
            Assert.All(row.ThroughputRatios.Values, ratio => Assert.True(ratio > 0, $"{row.Target}: ratio {ratio}"));
        });
        var measured = report.Rows.Where(r => r.Baseline is null).ToArray();
        Assert.NotEmpty(measured);
        Assert.All(measured, row => Assert.NotNull(row.P99Ratio));

        // A table over TLS is compared with its own baseline (gRPC over TLS), a gRPC wire table with gRPC alone; every
        // other table with the scenario's.
        Assert.All(measured, row => Assert.Equal(
            row.Table.Contains("TLS", StringComparison.Ordinal) ? "gRPC TLS" : row.Table.StartsWith("gRPC wire", StringComparison.Ordinal) ? "gRPC" : baselines,
            string.Join(',', row.ThroughputRatios.Keys.Order(StringComparer.Ordinal))));
        Assert.Contains($"s/s vs {baselines.Split(',')[^1]} |", report.Markdown, StringComparison.Ordinal);
        Assert.Contains("| client CPU µs/", report.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_TargetWithAlternatives_RunsTheNamedTableAndTheNamedRows()
    {
        var options = QuickOptions.For("unary") with { Target = "~600-byte protobuf, Bench.Echo | registry cache" };

        var report = await BenchmarkApp.RunScenarioAsync(options, TextWriter.Null, CancellationToken.None);

        // The protobuf table whole (five rows), and the one row of the JSON table the second alternative names.
        Assert.Equal(6, report.Rows.Count);
        Assert.Equal(5, report.Rows.Count(r => r.Table == "~600-byte protobuf, Bench.Echo"));
        var json = Assert.Single(report.Rows, r => r.Table.StartsWith("small JSON, Greeter.Hello", StringComparison.Ordinal));
        Assert.Equal(UnaryScenario.MicroRow, json.Target);
    }
}
