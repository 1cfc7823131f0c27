using System.Net;
using System.Net.Sockets;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;
using MicroHosting.TestUtilities;
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
            seen => seen.Item1 >= 2 && seen.Item2 >= 1);
        Assert.True(server.Engine.Statistics.Malformed - malformedBefore >= 2);
        Assert.True(server.Engine.Transport!.Oversized >= 1);
        Assert.Single(await client.GetServiceAsync("greeter"));
    }

    [Fact]
    public async Task OnPacketAsync_UnicastQueryFlood_RepliesAreRateLimitedPerSender()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false, timeProvider: new FakeTimeProvider());
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        var query = new GoMicroPacket(1, 0, 1, 0).Question($"greeter.{domain}.", 12).Bytes;
        var flooder = new IPEndPoint(IPAddress.Loopback, 9); // the discard port: legacy queries, unicast answers

        for (var i = 0; i < 1000; i++)
        {
            await server.Engine.OnPacketAsync(new MicroHosting.Registry.Mdns.Internal.MdnsPacket(query, flooder, 1));
        }

        // The clock stands still: the flooder's burst of 20 is answered, its other 980 queries are not ...
        Assert.Equal(980, server.Engine.Statistics.RateLimited);
        var answered = server.Engine.Statistics.QueriesAnswered;

        // ... while another sender is still answered, and thousands of senders do not grow the table past its bound.
        await server.Engine.OnPacketAsync(new MicroHosting.Registry.Mdns.Internal.MdnsPacket(query, new IPEndPoint(IPAddress.Parse("127.0.0.2"), 9), 1));
        Assert.Equal(answered + 1, server.Engine.Statistics.QueriesAnswered);
        for (var i = 0; i < 5000; i++)
        {
            var sender = new IPAddress([127, 1, (byte)(i >> 8), (byte)i]);
            await server.Engine.OnPacketAsync(new MicroHosting.Registry.Mdns.Internal.MdnsPacket(query, new IPEndPoint(sender, 9), 1));
        }

        Assert.InRange(server.Engine.UnicastLimiter.TrackedSenders, 1, MicroHosting.Registry.Mdns.Internal.MdnsRateLimiter.MaxSenders);
    }

    [Fact]
    public async Task OnPacketAsync_FloodOfFakeNodes_CacheStaysBoundedAndNewNodesAreLearned()
    {
        var domain = MdnsTestSupport.NewDomain();
        var options = MdnsTestSupport.Options(domain);
        await using var client = new MdnsRegistry(options);
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        Assert.Single(await MdnsTestSupport.EventuallyAsync(() => client.GetServiceAsync("greeter"), s => s.Count == 1));
        var source = new IPEndPoint(IPAddress.Loopback, 5353);
        var bomb = MicroHosting.Registry.Mdns.Internal.MdnsTxt.Encode(new MicroHosting.Registry.Mdns.Internal.MdnsTxtPayload
        {
            Service = "fake",
            Version = "1",
            Metadata = new Dictionary<string, string> { ["pad"] = new string('a', 200 * 1024) },
        });

        // Unique SRV + A pairs with a TTL of 4000 s, and complete fake nodes whose TXT inflates to 200 KiB each.
        for (var i = 0; i < 12_000; i++)
        {
            var packet = new GoMicroPacket(0, 0x8400, 0, i % 10 == 0 ? 4 : 2);
            if (i % 10 == 0)
            {
                packet.Ptr($"fake.{domain}.", $"f{i}.fake.{domain}.", 4000).Txt($"f{i}.fake.{domain}.", bomb, 4000);
            }

            var prefix = i % 10 == 0 ? $"f{i}.fake" : $"x{i}.flood";
            packet.Srv($"{prefix}.{domain}.", 1, $"h{i}.{domain}.", 4000).A($"h{i}.{domain}.", new IPAddress(BitConverter.GetBytes(i + 1)), 4000);
            await client.Engine.OnPacketAsync(new MicroHosting.Registry.Mdns.Internal.MdnsPacket(packet.Bytes, source, 1));
            if (i == 6000)
            {
                // A new node announced during the flood.
                await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-2", 8082), TimeSpan.Zero);
            }
        }

        var (entries, hints, txtBytes) = client.Engine.CacheSize;
        Assert.InRange(entries, 1, options.MaxCacheEntries);
        Assert.InRange(hints, 0, entries);
        Assert.InRange(txtBytes, 1, options.MaxTxtBytes);
        Assert.True(client.Engine.Statistics.Evictions > 0);
        var greeter = await MdnsTestSupport.EventuallyAsync(() => client.GetServiceAsync("greeter"), s => s.SelectMany(x => x.Nodes).Count() == 2);
        Assert.Equal(["greeter-1", "greeter-2"], greeter.SelectMany(s => s.Nodes).Select(n => n.Id).Order());

        // And after the flood, a node of a service nobody asked for yet is learned too.
        await server.RegisterAsync(MdnsTestSupport.Service("latecomer", "late-1", 8083), TimeSpan.Zero);
        Assert.Single(await MdnsTestSupport.EventuallyAsync(() => client.GetServiceAsync("latecomer"), s => s.Count == 1));
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

        // The watcher's engine starts (binds its sockets) asynchronously: registering before it listens would leave only
        // the repeated announcements (at 1 and 3 s) to be heard, which a loaded machine can also miss.
        Assert.True(await Poll.UntilAsync(() => watcher.Engine.IsStarted && watcher.Engine.Watchers.HasWatchers, TimeSpan.FromSeconds(30)));
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

        Assert.True(await first.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("flooded-1", events.Current.Service.Nodes[0].Id);

        // Right after the flood the responder may still be inside its once-a-second multicast limit for these records,
        // so the lookup is repeated until that window has passed; discovery must work again without a restart.
        Assert.Single(await MdnsTestSupport.EventuallyAsync(() => watcher.GetServiceAsync("greeter"), s => s.Count == 1));
    }
}
