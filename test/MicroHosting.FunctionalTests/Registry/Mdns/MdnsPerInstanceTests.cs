using MicroHosting.Registry;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>
/// Go Micro's mDNS client keeps one service instance per response packet (the one its last records name), so the
/// responder answers one instance per packet: with several in one packet a Go listing or lookup would miss some.
/// </summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsPerInstanceTests
{
    [Fact]
    public async Task Responder_GoMicroQueryForServiceWithThreeNodes_SendsThreePacketsOfOneInstanceEach()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        var service = MdnsTestSupport.Service("greeter", "greeter-1", 8081)
            .WithNodes([.. new[] { 1, 2, 3 }.Select(i => new MicroNode { Id = $"greeter-{i}", Address = "127.0.0.1", Port = 8080 + i })]);
        await server.RegisterAsync(service, TimeSpan.Zero);

        var packets = await QueryAsync($"greeter.{domain}.", expectedInstances: 3);

        Assert.Equal(3, packets.Count);
        var instances = packets.Select(AssertOneCompleteInstance).ToList();
        Assert.Equal(
            ["greeter-1", "greeter-2", "greeter-3"],
            instances.Select(i => i.Name.Split('.')[0]).Order(StringComparer.Ordinal));
        Assert.Equal([8081, 8082, 8083], instances.Select(i => (int)i.Port).Order());
    }

    [Fact]
    public async Task Responder_GoMicroListServicesQuery_SendsOnePacketPerService()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await server.RegisterAsync(MdnsTestSupport.Service("alpha", "alpha-1", 8081), TimeSpan.Zero);
        await server.RegisterAsync(MdnsTestSupport.Service("beta", "beta-1", 8082), TimeSpan.Zero);
        await server.RegisterAsync(MdnsTestSupport.Service("gamma", "gamma-1", 8083), TimeSpan.Zero);

        // Go Micro's ListServices asks for the PTRs of the "_services" pseudo-service.
        var packets = await QueryAsync($"_services.{domain}.", expectedInstances: 3);

        Assert.Equal(3, packets.Count);
        Assert.Equal(
            [$"alpha._services.{domain}.", $"beta._services.{domain}.", $"gamma._services.{domain}."],
            packets.Select(p => AssertOneCompleteInstance(p).Name).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Asserts what Go Micro's client needs to take an instance from one packet: the question echoed, exactly one
    /// SRV and one TXT (of the same instance, which the PTR answer names), and the A record of the SRV's target.
    /// </summary>
    private static (string Name, ushort Port) AssertOneCompleteInstance(Arsoft.DnsMessage packet)
    {
        Assert.Single(packet.Questions);
        var records = packet.AnswerRecords.Concat(packet.AdditionalRecords).ToList();
        var ptr = Assert.IsType<Arsoft.PtrRecord>(Assert.Single(packet.AnswerRecords));
        var srv = Assert.Single(records.OfType<Arsoft.SrvRecord>());
        var txt = Assert.Single(records.OfType<Arsoft.TxtRecord>());
        var a = Assert.Single(records.OfType<Arsoft.ARecord>());
        Assert.Equal(ptr.PointerDomainName.ToString(), srv.Name.ToString());
        Assert.Equal(srv.Name, txt.Name);
        Assert.Equal(srv.Target, a.Name);
        return (srv.Name.ToString(), srv.Port);
    }

    /// <summary>Sends a PTR question as Go Micro's querier does and collects answers until they name the expected instances.</summary>
    private static async Task<List<Arsoft.DnsMessage>> QueryAsync(string name, int expectedInstances)
    {
        using var socket = GoMicroPacket.LoopbackSocket();
        var query = new GoMicroPacket(0x1234, 0, 1, 0).Question(name, 12).Bytes;
        await GoMicroPacket.SendToGroupAsync(socket, query);
        var packets = new List<Arsoft.DnsMessage>();
        var buffer = new byte[9000];
        while (packets.SelectMany(p => p.AnswerRecords.Concat(p.AdditionalRecords)).OfType<Arsoft.SrvRecord>().Select(s => s.Name.ToString()).Distinct().Count() < expectedInstances)
        {
            var received = await socket.ReceiveAsync(buffer).WaitAsync(TimeSpan.FromSeconds(5));
            var packet = Arsoft.DnsMessage.Parse(new ArraySegment<byte>(buffer, 0, received));
            if (packet.TransactionID == 0x1234 && !packet.IsQuery)
            {
                packets.Add(packet);
            }
        }

        return packets;
    }
}
