using System.Net;
using System.Net.Sockets;
using MicroHosting.Registry;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>Garbage, oversized packets and query floods on the wire do not stop the registry.</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsHostileInputTests
{
    [Fact]
    public async Task Receive_MalformedAndOversizedPackets_AreDroppedAndCounted()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await using var client = MdnsTestSupport.Create(domain);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        using var socket = GoMicroPacket.LoopbackSocket();
        var malformedBefore = server.Engine.Statistics.Malformed;

        // A compression loop, a record running past the end, and 20 KB of junk (over the 9000-byte mDNS limit).
        // UDP may drop a datagram on a busy machine, so the hostile packets are sent again until they are seen.
        await MdnsTestSupport.EventuallyAsync(
            async () =>
            {
                await GoMicroPacket.SendToGroupAsync(socket, [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4]);
                await GoMicroPacket.SendToGroupAsync(socket, [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 16, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF]);
                await GoMicroPacket.SendToGroupAsync(socket, new byte[20_000]);
                await Task.Delay(100);
                return (server.Engine.Statistics.Malformed - malformedBefore, server.Engine.Transport!.Oversized);
            },
            seen => seen.Item1 >= 2 && seen.Item2 >= 1,
            seconds: 15);
        Assert.True(server.Engine.Statistics.Malformed - malformedBefore >= 2);
        Assert.True(server.Engine.Transport!.Oversized >= 1);
        Assert.Single(await client.GetServiceAsync("greeter"));
    }

    [Fact]
    public async Task OnPacketAsync_UnicastQueryFlood_RepliesAreRateLimited()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false, timeProvider: new FakeTimeProvider());
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        var query = new GoMicroPacket(1, 0, 1, 0).Question($"greeter.{domain}.", 12).Bytes;
        var source = new IPEndPoint(IPAddress.Loopback, 9); // the discard port: legacy queries, unicast answers

        for (var i = 0; i < 1000; i++)
        {
            await server.Engine.OnPacketAsync(new MicroHosting.Registry.Mdns.Internal.MdnsPacket(query, source, 1));
        }

        // The clock stands still: a burst of 200 is answered, the other 800 are not.
        Assert.Equal(800, server.Engine.Statistics.RateLimited);
    }

    [Fact]
    public async Task Receive_QueryFlood_DoesNotStopDiscovery()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var watcher = MdnsTestSupport.Create(domain);
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = watcher.WatchAsync("flooded", cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync();
        using var socket = GoMicroPacket.LoopbackSocket();
        var query = new GoMicroPacket(1, 0, 1, 0).Question($"greeter.{domain}.", 12).Bytes;

        // 20,000 queries as fast as one socket can send them, while a new node registers.
        var flood = Task.Run(async () =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                await GoMicroPacket.SendToGroupAsync(socket, query);
            }
        });
        await server.RegisterAsync(MdnsTestSupport.Service("flooded", "flooded-1", 8082), TimeSpan.Zero);
        await flood;

        Assert.True(await first.AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("flooded-1", events.Current.Service.Nodes[0].Id);

        // Right after the flood the responder may still be inside its once-a-second multicast limit for these records,
        // so the lookup is repeated until that window has passed; discovery must work again without a restart.
        Assert.Single(await MdnsTestSupport.EventuallyAsync(() => watcher.GetServiceAsync("greeter"), s => s.Count == 1, seconds: 10));
    }
}
