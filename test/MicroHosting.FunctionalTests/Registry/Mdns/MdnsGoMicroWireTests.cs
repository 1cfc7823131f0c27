using System.Net;
using System.Net.Sockets;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns.Internal;
using MicroHosting.TestUtilities;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>Packets exactly as Go Micro's querier and responder write them, against this registry.</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsGoMicroWireTests
{
    private static readonly string[] GoMicroTxt = File.ReadAllLines(Path.Combine(MdnsTestSupport.VectorDirectory, "gomicro-v2-server.txt")).Where(l => l.Length > 0).ToArray();

    [Fact]
    public async Task Responder_GoMicroQuery_AnswersByUnicastWithIdQuestionAndRecords()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);

        // Go Micro's querier: a socket on an ephemeral port sends id=random, no flags, one PTR question, to the group.
        using var socket = GoMicroPacket.LoopbackSocket();
        var query = new GoMicroPacket(0xBEEF, 0, 1, 0).Question($"greeter.{domain}.", 12).Bytes;
        await GoMicroPacket.SendToGroupAsync(socket, query);
        var buffer = new byte[9000];
        var received = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));

        var answer = Arsoft.DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, received));
        Assert.Equal(0xBEEF, answer.TransactionID);
        Assert.False(answer.IsQuery);
        Assert.True(answer.IsAuthoritiveAnswer);
        Assert.Equal($"greeter.{domain}.", Assert.Single(answer.Questions).Name.ToString());
        var records = answer.AnswerRecords.Concat(answer.AdditionalRecords).ToList();
        Assert.All(records, r => Assert.InRange(r.TimeToLive, 1, 10)); // RFC 6762 section 6.7
        Assert.All(records, r => Assert.Equal(Arsoft.RecordClass.INet, r.RecordClass)); // no cache-flush bit
        var ptr = Assert.IsType<Arsoft.PtrRecord>(Assert.Single(answer.AnswerRecords));
        Assert.Equal($"greeter-1.greeter.{domain}.", ptr.PointerDomainName.ToString());
        var srv = Assert.Single(records.OfType<Arsoft.SrvRecord>());
        Assert.Equal((10, 1, 8081), (srv.Priority, srv.Weight, srv.Port));
        var a = Assert.Single(records.OfType<Arsoft.ARecord>());
        Assert.Equal(srv.Target, a.Name);
        Assert.Equal(IPAddress.Loopback, a.Address);
        var payload = MdnsTxt.Decode([.. Assert.Single(records.OfType<Arsoft.TxtRecord>()).TextParts], out _);
        Assert.Equal(("greeter", "1.0.0", "mucp"), (payload!.Service, payload.Version, payload.Metadata!["protocol"]));
    }

    [Fact]
    public async Task Querier_GoMicroResponderAnswer_IsANode()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var client = MdnsTestSupport.Create(domain);
        await client.ListServicesAsync(); // started and listening
        var instance = $"greeter-3f1b.greeter.{domain}.";

        // Go Micro's responder: id 0, QR+AA, the question echoed, PTR, SRV, A (named by the machine's host name), TXT.
        var answer = new GoMicroPacket(0, 0x8400, 1, 4)
            .Question($"greeter.{domain}.", 12)
            .Ptr($"greeter.{domain}.", instance, 120)
            .Srv(instance, 9090, "myhost.", 120)
            .A("myhost.", IPAddress.Parse("127.0.0.7"), 120)
            .Txt(instance, GoMicroTxt, 120)
            .Bytes;
        using var responder = GoMicroPacket.LoopbackSocket(mdnsPort: true);
        await GoMicroPacket.SendToGroupAsync(responder, answer);

        var services = await MdnsTestSupport.EventuallyAsync(() => client.GetServiceAsync("greeter"), s => s.Count > 0);

        var service = Assert.Single(services);
        Assert.Equal("latest", service.Version);
        Assert.Equal("Greeter.Hello", Assert.Single(service.Endpoints).Name);
        var node = Assert.Single(service.Nodes);
        Assert.Equal(("greeter-3f1b", "127.0.0.7", 9090), (node.Id, node.Address, node.Port));
        Assert.Equal("mucp", node.Metadata["server"]);
    }

    [Fact]
    public async Task Watch_GoMicroAnnouncementAndGoodbye_CreateThenDelete()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var client = MdnsTestSupport.Create(domain);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = client.WatchAsync("greeter", cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync().AsTask();
        Assert.True(await Poll.UntilAsync(() => client.Engine.IsStarted && client.Engine.Watchers.HasWatchers, TimeSpan.FromSeconds(30)));
        var instance = $"greeter-9c2d.greeter.{domain}.";
        using var responder = GoMicroPacket.LoopbackSocket(mdnsPort: true);

        // Go Micro announces with SRV, A and TXT only (no PTR, no question, AA unset), and says goodbye with TTL 0.
        GoMicroPacket Announcement(uint ttl) => new GoMicroPacket(0, 0x8000, 0, 3)
            .Srv(instance, 9091, "myhost.", ttl)
            .A("myhost.", IPAddress.Parse("127.0.0.8"), ttl)
            .Txt(instance, GoMicroTxt, ttl);
        Assert.True(await RepeatUntilAsync(responder, Announcement(120).Bytes, first));
        var created = events.Current;
        var deleted = await RepeatUntilAsync(responder, Announcement(0).Bytes, MdnsTestSupport.NextAsync(events, e => e.Type == RegistryEventType.Delete, seconds: 30));

        Assert.Equal(RegistryEventType.Create, created.Type);
        Assert.Equal(("greeter-9c2d", "127.0.0.8", 9091), (created.Service.Nodes[0].Id, created.Service.Nodes[0].Address, created.Service.Nodes[0].Port));
        Assert.Equal("greeter-9c2d", deleted.Service.Nodes[0].Id);
    }

    /// <summary>Sends a packet once a second until <paramref name="heard"/> completes: a busy machine may drop a datagram, and Go Micro repeats its announcements too.</summary>
    private static async Task<T> RepeatUntilAsync<T>(Socket responder, byte[] packet, Task<T> heard)
    {
        for (var i = 0; i < 30 && !heard.IsCompleted; i++)
        {
            await GoMicroPacket.SendToGroupAsync(responder, packet);
            await Task.WhenAny(heard, Task.Delay(TimeSpan.FromSeconds(1)));
        }

        return await heard.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Responder_LegacyUnicastQuery_EchoesIdLikeDnsTools()
    {
        // A port of its own, so the unicast query reaches this responder and no other on the machine.
        var domain = MdnsTestSupport.NewDomain();
        var options = MdnsTestSupport.Options(domain, probe: false);
        options.Port = FreeUdpPort();
        await using var server = new MicroHosting.Registry.Mdns.MdnsRegistry(options);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        // As dig would: recursion desired, an instance SRV question, straight to the responder's address.
        var query = new GoMicroPacket(0x4242, 0x0100, 1, 0).Question($"greeter-1.greeter.{domain}.", 33).Bytes;
        await udp.SendAsync(query, new IPEndPoint(IPAddress.Loopback, options.Port));
        var result = await udp.ReceiveAsync().WaitAsync(TimeSpan.FromSeconds(5));

        var answer = Arsoft.DnsMessage.Parse(new ArraySegment<byte>(result.Buffer));
        Assert.Equal(0x4242, answer.TransactionID);
        Assert.Equal($"greeter-1.greeter.{domain}.", Assert.Single(answer.Questions).Name.ToString());
        var srv = Assert.IsType<Arsoft.SrvRecord>(Assert.Single(answer.AnswerRecords));
        Assert.Equal(8081, srv.Port);
        Assert.True(srv.TimeToLive <= 10);
    }

    [Fact]
    public async Task Responder_DnsSdServiceEnumeration_ListsServiceTypes()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        using var socket = GoMicroPacket.LoopbackSocket();

        var query = new GoMicroPacket(7, 0, 1, 0).Question($"_services._dns-sd._udp.{domain}.", 12).Bytes;
        await GoMicroPacket.SendToGroupAsync(socket, query);
        var buffer = new byte[9000];
        var received = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));

        var answer = Arsoft.DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, received));
        var ptr = Assert.IsType<Arsoft.PtrRecord>(Assert.Single(answer.AnswerRecords));
        Assert.Equal($"greeter.{domain}.", ptr.PointerDomainName.ToString());
    }

    internal static int FreeUdpPort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
