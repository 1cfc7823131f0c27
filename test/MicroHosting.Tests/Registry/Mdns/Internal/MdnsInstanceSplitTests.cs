using System.Net;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

public sealed class MdnsInstanceSplitTests
{
    [Fact]
    public void Split_ThreeInstancesAndAnEnumerationPtr_GivesTheRestThenOneMessagePerInstance()
    {
        var zone = new MdnsZone("micro", 120);
        var nodes = Enumerable.Range(1, 3).Select(i => zone.Build(MdnsTestSupport.Service("greeter", $"greeter-{i}", 8080 + i), MdnsTestSupport.Service("greeter", $"greeter-{i}", 8080 + i).Nodes[0])).ToList();
        var message = new DnsMessage
        {
            Id = 7,
            Flags = DnsMessage.ResponseFlag,
            Questions = [new DnsQuestion("greeter.micro.", DnsRecordType.Ptr)],
            Answers = [DnsRecord.Ptr(zone.MetaName, "greeter.micro.", 120), .. nodes.Select(n => n.Records[0])],
            Additionals = [.. nodes.SelectMany(n => n.Records.Skip(1).Concat(zone.Negatives(n)))],
        };

        var parts = MdnsInstanceSplit.Split(message);

        Assert.Equal(4, parts.Count);
        Assert.Equal(zone.MetaName, Assert.Single(parts[0].Answers).Name);
        Assert.Empty(parts[0].Additionals);
        for (var i = 0; i < 3; i++)
        {
            var part = parts[i + 1];
            Assert.Equal((7, message.Flags), (part.Id, part.Flags));
            Assert.Single(part.Questions);
            Assert.Equal(nodes[i].InstanceName, Assert.Single(part.Answers).Target);
            Assert.Equal([DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A, DnsRecordType.Nsec, DnsRecordType.Nsec], part.Additionals.Select(r => r.Type));
            Assert.All(part.Additionals.Where(r => r.Type is DnsRecordType.Srv or DnsRecordType.Txt), r => Assert.Equal(nodes[i].InstanceName, r.Name));
            Assert.Equal(nodes[i].HostName, part.Additionals.Single(r => r.Type == DnsRecordType.A).Name);
        }
    }

    [Fact]
    public void Split_OneInstance_IsTheMessageItself()
    {
        var zone = new MdnsZone("micro", 120);
        var node = zone.Build(MdnsTestSupport.Service("greeter", "greeter-1", 8081), MdnsTestSupport.Service("greeter", "greeter-1", 8081).Nodes[0]);
        var message = new DnsMessage { Answers = zone.Announcement(node), Additionals = [.. zone.Negatives(node)] };

        Assert.Same(message, Assert.Single(MdnsInstanceSplit.Split(message)));
    }

    [Fact]
    public void Split_InstanceWithoutAnswers_IsLeftOut()
    {
        var zone = new MdnsZone("micro", 120);
        var a = zone.Build(MdnsTestSupport.Service("greeter", "greeter-1", 8081), MdnsTestSupport.Service("greeter", "greeter-1", 8081).Nodes[0]);
        var b = zone.Build(MdnsTestSupport.Service("greeter", "greeter-2", 8082), MdnsTestSupport.Service("greeter", "greeter-2", 8082).Nodes[0]);
        var message = new DnsMessage { Answers = [a.Records[0]], Additionals = [.. a.Records.Skip(1), .. b.Records.Skip(1)] };

        var part = Assert.Single(MdnsInstanceSplit.Split(message));

        Assert.Equal(a.InstanceName, Assert.Single(part.Answers).Target);
        Assert.DoesNotContain(part.Additionals, r => r.Address is not null && !r.Name.Equals(a.HostName, StringComparison.Ordinal));
        Assert.Equal(IPAddress.Loopback, part.Additionals.Single(r => r.Type == DnsRecordType.A).Address);
    }
}
