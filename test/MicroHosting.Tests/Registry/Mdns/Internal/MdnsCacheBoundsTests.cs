using System.Net;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns.Internal;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

/// <summary>Floods of made-up records keep the cache within its bounds and do not hide real nodes.</summary>
public sealed class MdnsCacheBoundsTests
{
    private static readonly MdnsCacheLimits Limits = new(MaxEntries: 1000, MaxTxtBytes: 2 * 1024 * 1024);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly MdnsCache _cache = new("local", Limits);

    private static IReadOnlyList<string> Txt(string service, int padding = 0) => MdnsTxt.Encode(new MdnsTxtPayload
    {
        Service = service,
        Version = "1",
        Metadata = padding == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["pad"] = new string('a', padding) },
    });

    private static DnsMessage Node(string service, string id, uint ttl, IReadOnlyList<string>? txt = null, string address = "10.0.0.1") => new()
    {
        Flags = DnsMessage.ResponseFlag,
        Answers =
        [
            DnsRecord.Ptr($"{service}.local.", $"{id}.{service}.local.", ttl),
            DnsRecord.Srv($"{id}.{service}.local.", 10, 1, 8081, $"{id}-host.local.", ttl),
            DnsRecord.Txt($"{id}.{service}.local.", txt ?? Txt(service), ttl),
            DnsRecord.Host($"{id}-host.local.", IPAddress.Parse(address), ttl),
        ],
    };

    private static DnsMessage SrvAndA(int i, uint ttl) => new()
    {
        Flags = DnsMessage.ResponseFlag,
        Answers =
        [
            DnsRecord.Srv($"x{i}.flood.local.", 10, 1, 1, $"f{i}.local.", ttl),
            DnsRecord.Host($"f{i}.local.", new IPAddress(BitConverter.GetBytes(i)), ttl),
        ],
    };

    [Fact]
    public void Ingest_FloodOfUniqueSrvAndA_StaysWithinBoundsAndStillLearnsNewNodes()
    {
        _cache.Interest("greeter");
        _cache.Ingest(Node("greeter", "greeter-1", 120), _time.GetUtcNow());

        for (var i = 0; i < 20_000; i++)
        {
            _cache.Ingest(SrvAndA(i, 4000), _time.GetUtcNow());
            Assert.True(_cache.Count <= Limits.MaxEntries, $"{_cache.Count} entries after {i} flood packets");
            Assert.True(_cache.AddressHints <= _cache.Count);
            if (i == 10_000)
            {
                // A node announced in the middle of the flood is learned, even of a service nobody looked up yet.
                Assert.Equal(RegistryEventType.Create, Assert.Single(_cache.Ingest(Node("other", "other-1", 120), _time.GetUtcNow())).Type);
            }
        }

        var created = _cache.Ingest(Node("greeter", "greeter-2", 120, address: "10.0.0.2"), _time.GetUtcNow());

        Assert.Equal(RegistryEventType.Create, Assert.Single(created).Type);
        Assert.Equal(["greeter-1", "greeter-2"], Assert.Single(_cache.GetService("greeter")).Nodes.Select(n => n.Id).Order());
        Assert.True(_cache.Evictions > 10_000);
    }

    [Fact]
    public void Ingest_CacheFullOfLongLivedRecords_NewNodeIsLearned()
    {
        for (var i = 0; i < Limits.MaxEntries; i++)
        {
            _cache.Ingest(new DnsMessage { Answers = [DnsRecord.Ptr("filler.local.", $"f{i}.filler.local.", 4000)] }, _time.GetUtcNow());
            _cache.Ingest(new DnsMessage { Answers = [DnsRecord.Host($"h{i}.local.", IPAddress.Loopback, 4000)] }, _time.GetUtcNow());
        }

        _time.Advance(TimeSpan.FromSeconds(5));
        var events = _cache.Ingest(Node("greeter", "greeter-1", 120), _time.GetUtcNow());

        Assert.Equal(RegistryEventType.Create, Assert.Single(events).Type);
        Assert.Single(_cache.GetService("greeter"));
        Assert.True(_cache.Count <= Limits.MaxEntries);
    }

    [Fact]
    public void Ingest_TxtBombs_TotalInflatedBytesStayWithinBound()
    {
        _cache.Interest("greeter");
        _cache.Ingest(Node("greeter", "greeter-1", 120), _time.GetUtcNow());
        var bomb = Txt("fake", padding: 250 * 1024); // a few hundred bytes on the wire, 250 KiB of JSON

        for (var i = 0; i < 500; i++)
        {
            _cache.Ingest(Node("fake", $"fake-{i}", 4500, bomb), _time.GetUtcNow());
            Assert.True(_cache.TxtBytes <= Limits.MaxTxtBytes, $"{_cache.TxtBytes} TXT bytes after {i} fake nodes");
        }

        Assert.Single(_cache.GetService("greeter"));
        Assert.Equal(RegistryEventType.Create, Assert.Single(_cache.Ingest(Node("greeter", "greeter-2", 120), _time.GetUtcNow())).Type);
        Assert.InRange(_cache.GetService("fake").SelectMany(s => s.Nodes).Count(), 1, 8);
    }

    [Fact]
    public void Ingest_TtlOfDays_IsClampedToMaxTtl()
    {
        _cache.Ingest(Node("greeter", "greeter-1", uint.MaxValue), _time.GetUtcNow());
        _time.Advance(TimeSpan.FromSeconds(Limits.MaxTtl - 1));
        Assert.Empty(_cache.Sweep(_time.GetUtcNow()).Events);

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(RegistryEventType.Delete, Assert.Single(_cache.Sweep(_time.GetUtcNow()).Events).Type);
        Assert.Equal(0, _cache.Count);
        Assert.Equal(0, _cache.AddressHints);
        Assert.Equal(0, _cache.TxtBytes);
    }

    [Fact]
    public void Ingest_ThousandsOfPtrsOfOneName_KeepsAtMostMaxPerName()
    {
        for (var i = 0; i < 3000; i++)
        {
            _cache.Ingest(new DnsMessage { Answers = [DnsRecord.Ptr("greeter.local.", $"g{i}.greeter.local.", 120)] }, _time.GetUtcNow());
        }

        Assert.Equal(MdnsCache.MaxPerName, _cache.KnownAnswers(new DnsQuestion("greeter.local.", DnsRecordType.Ptr), _time.GetUtcNow()).Count);
    }

    [Fact]
    public void Ingest_RecordsOutsideTheDomainOrOfUnusedTypes_AreNotHeld()
    {
        _cache.Ingest(new DnsMessage
        {
            Answers =
            [
                DnsRecord.Ptr("printer._ipp._tcp.other.", "x.other.", 120),
                DnsRecord.Txt("x.other.", ["a=b"], 120),
                DnsRecord.Nsec("h.local.", [DnsRecordType.A], 120),
                new DnsRecord { Name = "h.local.", Type = (DnsRecordType)99, Data = new byte[] { 1 }, Ttl = 120 },
            ],
        }, _time.GetUtcNow());

        Assert.Equal(0, _cache.Count);
    }
}
