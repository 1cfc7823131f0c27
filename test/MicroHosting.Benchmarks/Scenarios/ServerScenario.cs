using System.Text.Json;
using Google.Protobuf;
using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// The server side alone: a wrk-style raw-socket load generator (cheap, so the server is the bottleneck) against
/// MicroHosting's routes and against the same route on a bare minimal API, so only the server differs.
/// </summary>
internal sealed class ServerScenario : ComparisonScenario
{
    private static readonly byte[] SmallJson = JsonSerializer.SerializeToUtf8Bytes(Messages.SmallJson, JsonSerializerOptions.Web);
    private static readonly byte[] LargeProtobuf = Messages.Large.ToByteArray();

    public override string Name => "server";

    public override string Description => "MicroHosting's routes vs the same route on a bare minimal API, raw-socket HTTP/1.1 load generator";

    protected override IReadOnlyList<int> DefaultConcurrency => [16, 64];

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new("small JSON, Greeter.Hello", [
            new("bare minimal API POST /Greeter/Hello", a => new RawHttpTarget(a.Raw, "/Greeter/Hello", "application/json", SmallJson), Baseline: "raw"),
            new("bare minimal API POST /Greeter/Hello with a Go client's headers", a => new RawHttpTarget(a.Raw, "/Greeter/Hello", "application/json", SmallJson, GoMicroHeaders("Greeter.Hello", "application/json")), Baseline: "raw+headers"),
            new("MicroHosting native POST /Greeter/Hello", a => new RawHttpTarget(a.Micro, "/Greeter/Hello", "application/json", SmallJson)),
            new("MicroHosting Go Micro POST / (a Go client's headers)", a => new RawHttpTarget(a.Micro, "/", "application/json", SmallJson, GoMicroHeaders("Greeter.Hello", "application/json"))),
            new("bare minimal API POST /Greeter/Hello with IMicroClient's headers", a => new RawHttpTarget(a.Raw, "/Greeter/Hello", "application/json", SmallJson, MicroClientHeaders("application/json")), Baseline: "raw+client headers"),
            new("MicroHosting native POST /Greeter/Hello (IMicroClient's headers)", a => new RawHttpTarget(a.Micro, "/Greeter/Hello", "application/json", SmallJson, MicroClientHeaders("application/json"))),
        ]),
        new("~600-byte protobuf, Bench.Echo", [
            new("bare minimal API POST /Bench/Echo (hand-written protobuf)", a => new RawHttpTarget(a.Raw, "/Bench/Echo", "application/protobuf", LargeProtobuf), Baseline: "raw"),
            new("bare minimal API POST /Bench/Echo with a Go client's headers", a => new RawHttpTarget(a.Raw, "/Bench/Echo", "application/protobuf", LargeProtobuf, GoMicroHeaders("Bench.Echo", "application/protobuf")), Baseline: "raw+headers"),
            new("MicroHosting native POST /Bench/Echo", a => new RawHttpTarget(a.Micro, "/Bench/Echo", "application/protobuf", LargeProtobuf)),
            new("MicroHosting Go Micro POST / (a Go client's headers)", a => new RawHttpTarget(a.Micro, "/", "application/protobuf", LargeProtobuf, GoMicroHeaders("Bench.Echo", "application/protobuf"))),
            new("bare minimal API POST /Bench/Echo with IMicroClient's headers", a => new RawHttpTarget(a.Raw, "/Bench/Echo", "application/protobuf", LargeProtobuf, MicroClientHeaders("application/protobuf")), Baseline: "raw+client headers"),
            new("MicroHosting native POST /Bench/Echo (IMicroClient's headers)", a => new RawHttpTarget(a.Micro, "/Bench/Echo", "application/protobuf", LargeProtobuf, MicroClientHeaders("application/protobuf"))),
        ]),
    ];

    /// <summary>
    /// What <c>IMicroClient</c> adds to a native call: Accept, its request id, the calling service and its budget as
    /// <c>grpc-timeout</c>. Until 2026-12-06 (branch wire5) it sent the budget as <c>Timeout</c> in nanoseconds; figures
    /// before that were taken with that header.
    /// </summary>
    private static (string, string)[] MicroClientHeaders(string contentType) =>
    [
        ("Accept", contentType),
        ("Micro-Id", "f3b2c1d0-0000-4000-8000-000000000001"),
        ("Micro-From-Service", "bench-client"),
        ("grpc-timeout", "29999912u"),
    ];

    /// <summary>What a Go Micro client sends: each Micro-* header twice (plain and X-), Accept, and its 5 s budget in nanoseconds.</summary>
    private static (string, string)[] GoMicroHeaders(string endpoint, string contentType) =>
    [
        ("Accept", contentType),
        ("Micro-Service", "bench"),
        ("Micro-Method", endpoint),
        ("Micro-Endpoint", endpoint),
        ("Micro-Id", "f3b2c1d0-0000-4000-8000-000000000001"),
        ("X-Micro-Service", "bench"),
        ("X-Micro-Method", endpoint),
        ("X-Micro-Endpoint", endpoint),
        ("X-Micro-Id", "f3b2c1d0-0000-4000-8000-000000000001"),
        ("Timeout", "5000000000"),
    ];
}
