using System.Diagnostics.Metrics;
using System.Net;
using MicroHosting.Registry.Mdns;
using MicroHosting.Registry.Mdns.Internal;
using MicroHosting.Tests.Registry.Mdns.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>An operator sees an attack: what was dropped and evicted, and why, on the MicroHosting meter.</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsMetricsTests
{
    [Fact]
    public async Task OnPacketAsync_HostilePackets_AreReportedByReason()
    {
        using var provider = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = provider.GetRequiredService<IMeterFactory>();
        using var packets = new MetricCollector<long>(meters, "MicroHosting", "micro.mdns.packets.dropped");
        using var records = new MetricCollector<long>(meters, "MicroHosting", "micro.mdns.records.dropped");
        using var evictions = new MetricCollector<long>(meters, "MicroHosting", "micro.mdns.cache.evictions");
        var domain = MdnsTestSupport.NewDomain();
        var options = MdnsTestSupport.Options(domain, probe: false);
        options.MaxCacheEntries = 64;
        await using var registry = new MdnsRegistry(options, new FakeTimeProvider(), meterFactory: meters);
        await registry.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        var fromMdnsPort = new IPEndPoint(IPAddress.Loopback, 5353);

        await registry.Engine.OnPacketAsync(new MdnsPacket(new byte[5], fromMdnsPort, 1));
        await registry.Engine.OnPacketAsync(new MdnsPacket(ForgedPackets.Ptr($"greeter.{domain}.", 4500), fromMdnsPort, 1));
        for (var i = 0; i < 100; i++)
        {
            var flood = new GoMicroPacket(0, 0x8400, 0, 2).Srv($"x{i}.flood.{domain}.", 1, $"h{i}.{domain}.", 4000).A($"h{i}.{domain}.", IPAddress.Loopback, 4000);
            await registry.Engine.OnPacketAsync(new MdnsPacket(flood.Bytes, fromMdnsPort, 1));
        }

        var query = new GoMicroPacket(1, 0, 1, 0).Question($"greeter.{domain}.", 12).Bytes;
        for (var i = 0; i < options.UnicastRepliesPerSender + 5; i++)
        {
            await registry.Engine.OnPacketAsync(new MdnsPacket(query, new IPEndPoint(IPAddress.Loopback, 9), 1));
        }

        Assert.Equal(1, Sum(packets, "malformed"));
        Assert.Equal(5, Sum(packets, "rate_limited"));
        Assert.Equal(1, Sum(records, "invalid_name"));
        Assert.True(Sum(evictions, "entries") >= 200 - options.MaxCacheEntries);
        Assert.InRange(registry.Engine.CacheSize.Entries, 1, options.MaxCacheEntries);
    }

    private static long Sum(MetricCollector<long> collector, string reason)
        => collector.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], reason)).Sum(m => m.Value);
}
