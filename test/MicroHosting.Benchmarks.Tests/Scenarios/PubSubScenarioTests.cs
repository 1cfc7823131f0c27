using MicroHosting.Benchmarks.Scenarios;
using MicroHosting.TestUtilities;

namespace MicroHosting.Benchmarks.Tests.Scenarios;

/// <summary>The pub/sub smoke run: every broker delivers, and the NATS rows get ratios to raw NATS.Net. No timing assertions.</summary>
public sealed class PubSubScenarioTests
{
    [ExternalServerFact("nats-server", "nats-server")]
    public async Task RunAsync_Quick_EveryBrokerDeliversAndNatsRowsGetRatios()
    {
        var report = await BenchmarkApp.RunScenarioAsync(QuickOptions.For("pubsub") with { Rate = 200, Duration = TimeSpan.FromSeconds(1), Warmup = TimeSpan.FromSeconds(0.5) }, TextWriter.Null, CancellationToken.None);

        Assert.Equal([PubSubScenario.RawNats, PubSubScenario.RawNatsHeaders, PubSubScenario.NatsBrokerHeaders, PubSubScenario.NatsBrokerGoMicro, PubSubScenario.HttpBroker], report.PubSubRows.Select(r => r.Target));
        Assert.All(report.PubSubRows, row =>
        {
            Assert.True(row.Result.Published > 0, $"{row.Target} published nothing");
            Assert.True(row.Result.Delivered > 0, $"{row.Target} delivered nothing");
            Assert.True(row.Result.P99 >= row.Result.P50, $"{row.Target}: p99 below p50");
        });
        Assert.All(report.PubSubRows.Skip(1), row => Assert.True(row.PublishedVsRaw > 0 && row.DeliveredVsRaw > 0, $"{row.Target} has no ratio"));
        Assert.All(report.PubSubRows.Skip(2), row => Assert.True(row.PublishedVsRawHeaders > 0, $"{row.Target} has no ratio to raw NATS.Net with the header"));
    }
}
