using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Unary RPC end to end against its two baselines: raw Kestrel minimal API + plain pooled HttpClient (the practical
/// ceiling) and Grpc.AspNetCore + Grpc.Net.Client. Until the MicroHosting client lands, the MicroHosting row calls the
/// MicroHosting server with the same plain HttpClient and says so.
/// </summary>
internal sealed class UnaryScenario : ComparisonScenario
{
    public const string MicroRow = "MicroHosting server + plain HttpClient (IMicroClient not on main yet)";

    public override string Name => "unary";

    public override string Description => "unary RPC vs raw Kestrel + HttpClient and gRPC for .NET";

    protected override IReadOnlyList<int> DefaultConcurrency => [1, 16, 64, 256];

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new("small JSON, Greeter.Hello (gRPC sends the same small message as protobuf)", [
            new("raw Kestrel + HttpClient", a => new HttpJsonTarget(a.Raw), Baseline: "raw"),
            new("gRPC for .NET", a => new GrpcTarget(a.Grpc, large: false), Baseline: "gRPC"),
            new(MicroRow, a => new HttpJsonTarget(a.Micro)),
        ]),
        new("~600-byte protobuf, Bench.Echo", [
            new("raw Kestrel + HttpClient", a => new HttpProtobufTarget(a.Raw), Baseline: "raw"),
            new("gRPC for .NET", a => new GrpcTarget(a.Grpc, large: true), Baseline: "gRPC"),
            new(MicroRow, a => new HttpProtobufTarget(a.Micro)),
        ]),
    ];
}
