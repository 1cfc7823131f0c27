using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Benchmarks.Mdns;

/// <summary>
/// The <c>mdns-flood</c> command: what hostile floods cost the mDNS registry. Every packet goes through the engine's
/// receive path in this process (<c>OnPacketAsync</c>, as from 5353 on a local interface); the registry is pinned to
/// <c>lo</c>, so its answers go to loopback only. Per flood: packets per second handled, cache entries, TXT bytes held, evictions, managed heap after a full
/// collection, and whether a node announced after the flood is still learned.
/// </summary>
internal static class MdnsFloodCommand
{
    public const string Name = "mdns-flood";

    public static bool Matches(string[] args) => args is [Name] or [Name, _];

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var scale = args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Defaults: MaxCacheEntries {new MdnsRegistryOptions().MaxCacheEntries}, MaxTxtBytes {new MdnsRegistryOptions().MaxTxtBytes / 1024 / 1024} MiB, MaxRecordTtl {new MdnsRegistryOptions().MaxRecordTtl.TotalSeconds} s, UnicastRepliesPerSender {new MdnsRegistryOptions().UnicastRepliesPerSender}/s.");
        table.AppendLine();
        table.AppendLine("| Flood | Packets | Packets/s handled | Cache entries | TXT bytes held | Evictions | Records dropped | Unicast answers withheld | Managed heap (after full GC) | New node learned after |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        await FloodAsync(table, "unique SRV + A, TTL 4000 s", (int)(100_000 * scale), SrvAndA, cancellationToken).ConfigureAwait(false);
        var bomb = MdnsTxt.Encode(new MdnsTxtPayload { Service = "fake", Version = "1", Metadata = new Dictionary<string, string> { ["pad"] = new string('a', 250 * 1024) } });
        await FloodAsync(table, $"fake nodes, TXT {bomb.Sum(s => s.Length + 1)} B -> 250 KiB JSON", (int)(2_500 * scale), (i, d) => FakeNode(i, d, bomb), cancellationToken).ConfigureAwait(false);
        await FloodAsync(table, "forged PTR, 40-byte 0xFF label, TTL 4500 s", (int)(100_000 * scale), Forged, cancellationToken).ConfigureAwait(false);
        await FloodAsync(table, "legacy unicast queries, 10 senders", (int)(100_000 * scale), Query, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(table.ToString()).ConfigureAwait(false);
        return 0;
    }

    private static async Task FloodAsync(StringBuilder table, string name, int count, Func<int, string, (byte[] Packet, IPEndPoint Source)> make, CancellationToken cancellationToken)
    {
        var domain = "flood" + Guid.NewGuid().ToString("N")[..8];
        var options = MdnsBenchOptions.Create(domain, probe: false, TimeSpan.FromSeconds(120));
        await using var registry = new MdnsRegistry(options);
        var engine = registry.Engine;
        engine.Interest("greeter");

        // A node of this process, so queries have something to answer (sent on lo only, to the flood's made-up senders).
        await registry.RegisterAsync(new MicroService { Name = "greeter", Version = "1", Nodes = [new MicroNode { Id = "greeter-1", Address = "127.0.0.1", Port = 9 }] }, TimeSpan.Zero, cancellationToken).ConfigureAwait(false);
        var packets = Enumerable.Range(0, count).Select(i => make(i, domain)).ToList();
        await engine.OnPacketAsync(Packet(Node("greeter", "warm", domain), 5353)).ConfigureAwait(false);
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        foreach (var (packet, source) in packets)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await engine.OnPacketAsync(new MdnsPacket(packet, source, 1)).ConfigureAwait(false);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var after = GC.GetTotalMemory(forceFullCollection: true);
        await engine.OnPacketAsync(Packet(Node("latecomer", "late-1", domain), 5353)).ConfigureAwait(false);
        var learned = engine.Cached("latecomer").Count == 1 ? "yes" : "no";
        var (entries, _, txtBytes) = engine.CacheSize;
        var statistics = engine.Statistics;
        table.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {count:N0} | {count / seconds:N0} | {entries:N0} | {txtBytes / 1024.0 / 1024:F1} MiB | {statistics.Evictions:N0} | {statistics.DroppedRecords:N0} | {statistics.RateLimited:N0} | {Mib(after - before)} MiB | {learned} |");
        GC.KeepAlive(packets);
    }

    private static string Mib(long bytes)
    {
        var mib = Math.Round(bytes / 1024.0 / 1024, 1);
        return mib == 0 ? "0.0" : (mib > 0 ? "+" : string.Empty) + mib.ToString("F1", CultureInfo.InvariantCulture);
    }

    private static MdnsPacket Packet(byte[] bytes, int port) => new(bytes, new IPEndPoint(IPAddress.Loopback, port), 1);

    private static byte[] Node(string service, string id, string domain) => DnsWriter.Write(new DnsMessage
    {
        Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
        Answers =
        [
            DnsRecord.Ptr($"{service}.{domain}.", $"{id}.{service}.{domain}.", 120),
            DnsRecord.Srv($"{id}.{service}.{domain}.", 10, 1, 8080, $"{id}.{domain}.", 120),
            DnsRecord.Txt($"{id}.{service}.{domain}.", MdnsTxt.Encode(new MdnsTxtPayload { Service = service, Version = "1" }), 120),
            DnsRecord.Host($"{id}.{domain}.", IPAddress.Loopback, 120),
        ],
    });

    private static (byte[], IPEndPoint) SrvAndA(int i, string domain) => (DnsWriter.Write(new DnsMessage
    {
        Flags = DnsMessage.ResponseFlag,
        Answers =
        [
            DnsRecord.Srv($"x{i}.flood.{domain}.", 10, 1, 1, $"h{i}.{domain}.", 4000),
            DnsRecord.Host($"h{i}.{domain}.", new IPAddress(BitConverter.GetBytes(i + 1)), 4000),
        ],
    }), new IPEndPoint(IPAddress.Loopback, 5353));

    private static (byte[], IPEndPoint) FakeNode(int i, string domain, IReadOnlyList<string> txt) => (DnsWriter.Write(new DnsMessage
    {
        Flags = DnsMessage.ResponseFlag,
        Answers =
        [
            DnsRecord.Srv($"f{i}.fake.{domain}.", 10, 1, 1, $"f{i}.{domain}.", 4000),
            DnsRecord.Txt($"f{i}.fake.{domain}.", txt, 4000),
            DnsRecord.Host($"f{i}.{domain}.", new IPAddress(BitConverter.GetBytes(i + 1)), 4000),
        ],
    }), new IPEndPoint(IPAddress.Loopback, 5353));

    private static (byte[], IPEndPoint) Forged(int i, string domain)
    {
        var bytes = new List<byte> { 0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0 };
        void Label(string s)
        {
            bytes.Add((byte)s.Length);
            bytes.AddRange(Encoding.ASCII.GetBytes(s));
        }

        Label("greeter");
        Label(domain);
        bytes.AddRange(new byte[] { 0, 0, 12, 0, 1, 0, 0, 0x11, 0x94 });
        var rdata = new List<byte> { 40 };
        rdata.AddRange(Enumerable.Repeat((byte)0xFF, 40));
        rdata.Add(0xC0);
        rdata.Add(12); // -> greeter.<domain>.
        bytes.Add(0);
        bytes.Add((byte)rdata.Count);
        bytes.AddRange(rdata);
        return ([.. bytes], new IPEndPoint(IPAddress.Loopback, 5353));
    }

    private static (byte[], IPEndPoint) Query(int i, string domain) => (DnsWriter.Write(new DnsMessage
    {
        Id = (ushort)i,
        Questions = [new DnsQuestion($"greeter.{domain}.", DnsRecordType.Ptr)],
    }), new IPEndPoint(new IPAddress([127, 2, 0, (byte)(1 + (i % 10))]), 40000));
}
