using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// The server side alone: the same load generator (plain pooled HttpClient) against MicroHosting's routes and against
/// the same route on a bare minimal API, so only the server differs.
/// </summary>
internal sealed class ServerScenario : ComparisonScenario
{
    public override string Name => "server";

    public override string Description => "MicroHosting's routes vs the same route on a bare minimal API, one HttpClient load generator";

    protected override IReadOnlyList<int> DefaultConcurrency => [16, 64];

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new("small JSON, Greeter.Hello", [
            new("bare minimal API POST /Greeter/Hello", a => new HttpJsonTarget(a.Raw), Baseline: "raw"),
            new("MicroHosting native POST /Greeter/Hello", a => new HttpJsonTarget(a.Micro)),
            new("MicroHosting Go Micro POST / (Micro-Endpoint)", a => new HttpJsonTarget(a.Micro, goMicro: true)),
        ]),
        new("~600-byte protobuf, Bench.Echo", [
            new("bare minimal API POST /Bench/Echo (hand-written protobuf)", a => new HttpProtobufTarget(a.Raw), Baseline: "raw"),
            new("MicroHosting native POST /Bench/Echo", a => new HttpProtobufTarget(a.Micro)),
        ]),
    ];
}
