using MicroHosting.Registry;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

public sealed class MdnsZoneTests
{
    private readonly MdnsZone _zone = new("micro", 120);

    private MdnsLocalNode Add(string service = "go.micro.srv.greeter", string id = "go.micro.srv.greeter-1")
    {
        var node = _zone.Build(
            new MicroService { Name = service, Version = "1" },
            new MicroNode { Id = id, Address = "10.0.0.5", Port = 8081 });
        node.Announced = true;
        _zone.Add(node);
        return node;
    }

    [Fact]
    public void Build_Node_UsesGoMicroNames()
    {
        var node = Add();

        Assert.Equal("go.micro.srv.greeter-1.go.micro.srv.greeter.micro.", node.InstanceName);
        Assert.Equal("go.micro.srv.greeter.micro.", node.Records[0].Name);
        Assert.Equal((DnsRecordType.Srv, (ushort)10, (ushort)1, (ushort)8081), (node.Records[1].Type, node.Records[1].Priority, node.Records[1].Weight, node.Records[1].Port));
        Assert.Equal(120u, node.Records[1].Ttl);
    }

    [Fact]
    public void Answer_ServicePtr_GivesInstanceWithSrvTxtAndAddressAsAdditionals()
    {
        var node = Add();

        var (answers, additionals) = _zone.Answer(new DnsQuestion("GO.micro.srv.greeter.micro.", DnsRecordType.Ptr));

        Assert.Equal(node.InstanceName, Assert.Single(answers).Target);
        Assert.Equal([DnsRecordType.Srv, DnsRecordType.Txt, DnsRecordType.A, DnsRecordType.Nsec, DnsRecordType.Nsec], additionals.Select(r => r.Type));
    }

    [Fact]
    public void Answer_ListingPtr_GivesServicesEntry()
    {
        Add();

        var (answers, additionals) = _zone.Answer(new DnsQuestion("_services.micro.", DnsRecordType.Ptr));

        Assert.Equal("go.micro.srv.greeter._services.micro.", Assert.Single(answers).Target);
        Assert.Equal((ushort)9999, additionals.Single(r => r.Type == DnsRecordType.Srv).Port);
        Assert.Equal("0.0.0.0", additionals.Single(r => r.Type == DnsRecordType.A).Address!.ToString());
    }

    [Fact]
    public void Answer_NodeStillProbing_GivesNothing()
    {
        var node = _zone.Build(new MicroService { Name = "greeter" }, new MicroNode { Id = "greeter-1", Address = "10.0.0.5", Port = 1 });
        _zone.Add(node);

        Assert.Empty(_zone.Answer(new DnsQuestion("greeter.micro.", DnsRecordType.Ptr)).Answers);
    }

    [Fact]
    public void Answer_HostAaaaForIPv4Host_GivesNsec()
    {
        var node = Add();

        var (answers, additionals) = _zone.Answer(new DnsQuestion(node.HostName, DnsRecordType.Aaaa));

        Assert.Empty(answers);
        Assert.Equal([DnsRecordType.A], Assert.Single(additionals).Types);
    }

    [Fact]
    public void Remove_LastNodeOfService_RemovesListing()
    {
        Add(id: "go.micro.srv.greeter-1");
        Add(id: "go.micro.srv.greeter-2");

        var first = _zone.Remove(new MicroService { Name = "go.micro.srv.greeter", Nodes = [new MicroNode { Id = "go.micro.srv.greeter-1", Address = "x" }] });
        var last = _zone.Remove(new MicroService { Name = "go.micro.srv.greeter", Nodes = [new MicroNode { Id = "go.micro.srv.greeter-2", Address = "x" }] });

        Assert.Single(first);
        Assert.Equal(2, last.Count);
        Assert.Contains(last, n => n.IsListing);
    }

    [Fact]
    public void Build_NodeIdLongerThanALabel_ThrowsWithHint()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => _zone.Build(new MicroService { Name = "greeter" }, new MicroNode { Id = new string('x', 70), Address = "10.0.0.5", Port = 1 }));

        Assert.Contains("Use a shorter service name or node id (MICRO_SERVER_ID).", ex.Message, StringComparison.Ordinal);
    }
}
