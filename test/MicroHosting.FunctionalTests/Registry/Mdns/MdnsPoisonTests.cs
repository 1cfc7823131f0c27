using System.Net;
using MicroHosting.Registry.Mdns.Internal;
using MicroHosting.Tests.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>One forged packet must not break lookups of a service.</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsPoisonTests
{
    [Fact]
    public async Task GetServiceAsync_AfterForgedPtrWithNonUtf8Label_StillFindsTheService()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await using var client = MdnsTestSupport.Create(domain);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        Assert.Single(await MdnsTestSupport.EventuallyAsync(() => client.GetServiceAsync("greeter"), s => s.Count == 1));

        // The report's packet: PTR greeter.<domain>. -> <40 bytes of 0xFF>.greeter.<domain>. (TTL 4500), sent a few times.
        var forged = ForgedPackets.Ptr($"greeter.{domain}.", 4500);
        for (var i = 0; i < 5; i++)
        {
            await client.Engine.OnPacketAsync(new MdnsPacket(forged, new IPEndPoint(IPAddress.Loopback, 5353), 1));
        }

        // Every later lookup puts the cached answers into its query as known answers; none may fail.
        for (var i = 0; i < 5; i++)
        {
            var services = await client.GetServiceAsync("greeter");
            Assert.Equal("greeter-1", Assert.Single(Assert.Single(services).Nodes).Id);
        }

        Assert.Equal(5, client.Engine.Statistics.DroppedRecords);
    }
}
