using System.Net;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns.Internal;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

public sealed class MdnsCacheTests
{
    private const string Instance = "greeter-1.greeter.local.";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MdnsCache _cache = new("local");

    private static DnsMessage Node(uint ttl, ushort port = 8081, string host = "h1.local.", string address = "127.0.0.1", string instance = Instance, bool flush = false) => new()
    {
        Flags = DnsMessage.ResponseFlag,
        Answers =
        [
            DnsRecord.Ptr("greeter.local.", instance, ttl),
            DnsRecord.Srv(instance, 10, 1, port, host, ttl, flush),
            DnsRecord.Txt(instance, MdnsTxt.Encode(new MdnsTxtPayload { Service = "greeter", Version = "1", Metadata = new Dictionary<string, string>() }), ttl, flush),
            DnsRecord.Host(host, IPAddress.Parse(address), ttl, flush),
        ],
    };

    [Fact]
    public void Ingest_CompleteNode_Creates()
    {
        var events = _cache.Ingest(Node(120), _time.GetUtcNow());

        var created = Assert.Single(events);
        Assert.Equal(RegistryEventType.Create, created.Type);
        Assert.Equal(("greeter-1", "127.0.0.1", 8081), (created.Service.Nodes[0].Id, created.Service.Nodes[0].Address, created.Service.Nodes[0].Port));
    }

    [Fact]
    public void Ingest_WithoutAddress_IsNotANode()
    {
        var message = Node(120);
        message = message with { Answers = [.. message.Answers.Where(r => r.Type != DnsRecordType.A)] };

        Assert.Empty(_cache.Ingest(message, _time.GetUtcNow()));
        Assert.Empty(_cache.GetService("greeter"));
    }

    [Fact]
    public void Ingest_Goodbye_DeletesAtOnce()
    {
        _cache.Ingest(Node(120), _time.GetUtcNow());

        var events = _cache.Ingest(Node(0), _time.GetUtcNow());

        Assert.Equal(RegistryEventType.Delete, Assert.Single(events).Type);
        Assert.Empty(_cache.GetService("greeter"));
        Assert.Equal(0, _cache.Count);
    }

    [Fact]
    public void Sweep_AfterTtl_DeletesVanishedNode()
    {
        _cache.Ingest(Node(120), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(119));
        Assert.Empty(_cache.Sweep(_time.GetUtcNow()).Events);

        _time.Advance(TimeSpan.FromSeconds(1));
        var (events, _) = _cache.Sweep(_time.GetUtcNow());

        Assert.Equal(RegistryEventType.Delete, Assert.Single(events).Type);
    }

    [Fact]
    public void Sweep_BeforeExpiry_AsksFourTimesAt80To95Percent()
    {
        _cache.Ingest(Node(100), _time.GetUtcNow());
        var asked = new List<double>();
        for (var second = 1; second < 100; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            if (_cache.Sweep(_time.GetUtcNow()).Refresh.Contains(Instance))
            {
                asked.Add(second);
            }
        }

        Assert.Equal([80, 85, 90, 95], asked);
    }

    [Fact]
    public void Ingest_Refresh_RestartsTheTtl()
    {
        _cache.Ingest(Node(100), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(90));
        _cache.Ingest(Node(100), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(50));

        Assert.Empty(_cache.Sweep(_time.GetUtcNow()).Events);
        Assert.Single(_cache.GetService("greeter"));
    }

    [Fact]
    public void Ingest_CacheFlushWithNewPort_Updates()
    {
        _cache.Ingest(Node(120), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(2));

        var events = _cache.Ingest(Node(120, port: 9090, flush: true), _time.GetUtcNow());

        var updated = Assert.Single(events);
        Assert.Equal(RegistryEventType.Update, updated.Type);
        Assert.Equal(9090, updated.Service.Nodes[0].Port);
    }

    [Fact]
    public void Ingest_GoMicroNodesSharingAHostName_KeepTheirOwnAddresses()
    {
        _cache.Ingest(Node(120, host: "myhost.", address: "10.0.0.1", instance: "greeter-a.greeter.local."), _time.GetUtcNow());
        _cache.Ingest(Node(120, host: "myhost.", address: "10.0.0.2", instance: "greeter-b.greeter.local."), _time.GetUtcNow());

        var nodes = Assert.Single(_cache.GetService("greeter")).Nodes.ToDictionary(n => n.Id, n => n.Address);

        Assert.Equal("10.0.0.1", nodes["greeter-a"]);
        Assert.Equal("10.0.0.2", nodes["greeter-b"]);
    }

    [Fact]
    public void Ingest_TxtServiceNotInName_IsIgnored()
    {
        var events = _cache.Ingest(Node(120, instance: "greeter-1.other.local."), _time.GetUtcNow());

        Assert.Empty(events);
    }

    [Fact]
    public void KnownAnswers_FreshRecords_AreListedWithRemainingTtl()
    {
        _cache.Ingest(Node(100), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(30));

        var known = _cache.KnownAnswers(new DnsQuestion("greeter.local.", DnsRecordType.Ptr), _time.GetUtcNow());

        Assert.Equal(70u, Assert.Single(known).Ttl);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Empty(_cache.KnownAnswers(new DnsQuestion("greeter.local.", DnsRecordType.Ptr), _time.GetUtcNow()));
    }

    [Fact]
    public void Ingest_OneShotAnswerWithShortTtl_DoesNotShortenWhatIsHeld()
    {
        _cache.Ingest(Node(120), _time.GetUtcNow());

        Assert.Empty(_cache.Ingest(Node(10), _time.GetUtcNow(), extendOnly: true));
        Assert.Empty(_cache.Ingest(Node(0), _time.GetUtcNow(), extendOnly: true));
        _time.Advance(TimeSpan.FromSeconds(60));

        Assert.Empty(_cache.Sweep(_time.GetUtcNow()).Events);
        Assert.Single(_cache.GetService("greeter"));
    }
}
