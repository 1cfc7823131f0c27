using System.Diagnostics.Metrics;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MicroHosting.Tests.Diagnostics;

/// <summary>The pub/sub counters a third-party broker records through the public <see cref="MicroMetrics"/>.</summary>
public sealed class MicroMetricsBrokerTests
{
    [Fact]
    public void Dropped_FromTheContainer_RecordedOnTheMicroHostingMeterWithBrokerTopicAndReason()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddMicroCore(o => o.Name = "metrics").Services
            .BuildServiceProvider();
        using var dropped = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), MicroTelemetry.Name, "microhosting.broker.dropped");
        using var published = new MetricCollector<long>(services.GetRequiredService<IMeterFactory>(), MicroTelemetry.Name, "microhosting.broker.published");
        var metrics = services.GetRequiredService<MicroMetrics>();

        metrics.Published("rabbit", "orders");
        metrics.Dropped("rabbit", "orders", "queue_full");

        Assert.Equal(1, Assert.Single(published.GetMeasurementSnapshot()).Value);
        var measurement = Assert.Single(dropped.GetMeasurementSnapshot());
        Assert.Equal("rabbit", measurement.Tags["broker"]);
        Assert.Equal("orders", measurement.Tags["topic"]);
        Assert.Equal("queue_full", measurement.Tags["reason"]);
        Assert.Same(metrics, services.GetRequiredService<MicroMetrics>());
    }
}
