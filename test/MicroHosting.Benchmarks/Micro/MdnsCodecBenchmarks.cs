using System.Net;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// The mDNS registry's codecs: Go Micro's TXT payload (JSON, zlib, hex, 255-character strings) against the JSON step
/// alone, and the DNS message of one node's announcement (PTR, SRV, TXT, A) against a one-question query. Public and
/// unsealed for BenchmarkDotNet; results are returned as object because the codec types are internal.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class MdnsCodecBenchmarks
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);
    private readonly MdnsTxtPayload _payload;
    private readonly byte[] _payloadJson;
    private readonly IReadOnlyList<string> _txt;
    private readonly DnsMessage _query;
    private readonly DnsMessage _announcement;
    private readonly byte[] _queryBytes;
    private readonly byte[] _announcementBytes;

    public MdnsCodecBenchmarks()
    {
        _payload = new MdnsTxtPayload
        {
            Service = "greeter",
            Version = "latest",
            Endpoints =
            [
                new MicroEndpoint
                {
                    Name = "Greeter.Hello",
                    Request = new MicroValue { Name = "HelloRequest", Type = "HelloRequest", Values = [new MicroValue { Name = "name", Type = "string" }] },
                    Response = new MicroValue { Name = "HelloReply", Type = "HelloReply", Values = [new MicroValue { Name = "message", Type = "string" }] },
                    Metadata = new Dictionary<string, string> { ["stream"] = "false" },
                },
            ],
            Metadata = new Dictionary<string, string>
            {
                ["protocol"] = "mucp", ["server"] = "mucp", ["transport"] = "http", ["registry"] = "mdns", ["broker"] = "http",
                ["framework"] = "microhosting", ["content-types"] = "application/json,application/protobuf",
            },
        };
        _payloadJson = JsonSerializer.SerializeToUtf8Bytes(_payload, Json);
        _txt = MdnsTxt.Encode(_payload);
        const string service = "greeter.micro.";
        const string instance = "greeter-7d5c4a2e-9f1b-4c3d-8e6a-0b1c2d3e4f50." + service;
        _query = new DnsMessage { Questions = [new DnsQuestion(service, DnsRecordType.Ptr)] };
        _announcement = new DnsMessage
        {
            Flags = 0x8400,
            Answers =
            [
                DnsRecord.Ptr(service, instance, 120),
                DnsRecord.Srv(instance, 10, 1, 8081, "greeter-7d5c4a2e.micro.", 120, cacheFlush: true),
                DnsRecord.Txt(instance, _txt, 120, cacheFlush: true),
                DnsRecord.Host("greeter-7d5c4a2e.micro.", IPAddress.Parse("10.0.0.5"), 120, cacheFlush: true),
            ],
        };
        _queryBytes = DnsWriter.Write(_query);
        _announcementBytes = DnsWriter.Write(_announcement);
    }

    [Benchmark(Baseline = true, Description = "JSON only")]
    [BenchmarkCategory("txt-encode")]
    public byte[] TxtEncodeBaseline() => JsonSerializer.SerializeToUtf8Bytes(_payload, Json);

    [Benchmark(Description = "MdnsTxt.Encode")]
    [BenchmarkCategory("txt-encode")]
    public IReadOnlyList<string> TxtEncode() => MdnsTxt.Encode(_payload);

    [Benchmark(Baseline = true, Description = "JSON only")]
    [BenchmarkCategory("txt-decode")]
    public object? TxtDecodeBaseline() => JsonSerializer.Deserialize<MdnsTxtPayload>(_payloadJson, Json);

    [Benchmark(Description = "MdnsTxt.Decode")]
    [BenchmarkCategory("txt-decode")]
    public object? TxtDecode() => MdnsTxt.Decode(_txt, out _);

    [Benchmark(Baseline = true, Description = "one-question query")]
    [BenchmarkCategory("dns-write")]
    public byte[] WriteQuery() => DnsWriter.Write(_query);

    [Benchmark(Description = "node announcement")]
    [BenchmarkCategory("dns-write")]
    public byte[] WriteAnnouncement() => DnsWriter.Write(_announcement);

    [Benchmark(Baseline = true, Description = "one-question query")]
    [BenchmarkCategory("dns-read")]
    public object ReadQuery() => DnsReader.Read(_queryBytes);

    [Benchmark(Description = "node announcement")]
    [BenchmarkCategory("dns-read")]
    public object ReadAnnouncement() => DnsReader.Read(_announcementBytes);
}
