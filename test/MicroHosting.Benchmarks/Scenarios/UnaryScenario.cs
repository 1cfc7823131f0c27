using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Unary RPC end to end against its two baselines: raw Kestrel minimal API + plain pooled HttpClient (the practical
/// ceiling) and Grpc.AspNetCore + Grpc.Net.Client. The MicroHosting server is also called with the plain HttpClient, which
/// separates the client's cost from the server's; the h2c row calls the same server on its HTTP/2-only listener. The TLS
/// table compares a MicroHosting node serving TLS on its one port (HTTP/2 by ALPN) with gRPC over TLS, next to both in
/// cleartext h2c, which shows what TLS costs each. The gRPC wire tables call the MicroHosting server's handlers the
/// gRPC way (Grpc.Net.Client, and IMicroClient against the node registered as <c>protocol=grpc</c>) next to Grpc.AspNetCore.
/// </summary>
internal sealed class UnaryScenario : ComparisonScenario
{
    public const string MicroRow = "MicroHosting IMicroClient (registry cache + selector + Polly)";
    public const string MicroServerRow = "MicroHosting server + plain HttpClient";
    public const string MicroHttp2Row = "MicroHosting IMicroClient (h2c)";
    public const string MicroTlsRow = "MicroHosting IMicroClient (TLS, HTTP/2)";
    public const string GrpcTlsRow = "gRPC for .NET (TLS)";
    public const string MicroGrpcServerRow = "MicroHosting server, gRPC wire + Grpc.Net.Client (h2c)";
    public const string MicroGrpcClientRow = "MicroHosting IMicroClient, gRPC wire (h2c)";

    public override string Name => "unary";

    public override string Description => "unary RPC vs raw Kestrel + HttpClient and gRPC for .NET";

    protected override IReadOnlyList<int> DefaultConcurrency => [1, 16, 64, 256];

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new("small JSON, Greeter.Hello (gRPC sends the same small message as protobuf)", [
            new("raw Kestrel + HttpClient", a => new HttpJsonTarget(a.Raw), Baseline: "raw"),
            new("gRPC for .NET", a => new GrpcTarget(a.Grpc, large: false), Baseline: "gRPC"),
            new(MicroServerRow, a => new HttpJsonTarget(a.Micro)),
            new(MicroRow, a => MicroClientTarget.Create(a, large: false, direct: false)),
            new(MicroHttp2Row, a => MicroClientTarget.Create(a, large: false, direct: false, http2: true)),
        ]),
        new("~600-byte protobuf, Bench.Echo", [
            new("raw Kestrel + HttpClient", a => new HttpProtobufTarget(a.Raw), Baseline: "raw"),
            new("gRPC for .NET", a => new GrpcTarget(a.Grpc, large: true), Baseline: "gRPC"),
            new(MicroServerRow, a => new HttpProtobufTarget(a.Micro)),
            new(MicroRow, a => MicroClientTarget.Create(a, large: true, direct: false)),
            new(MicroHttp2Row, a => MicroClientTarget.Create(a, large: true, direct: false, http2: true)),
        ]),
        new("small JSON over TLS (one port, HTTP/2 by ALPN) and the same calls in cleartext h2c", [
            new(GrpcTlsRow, a => new GrpcTarget(a.GrpcTls!, large: false, a.CaFile), Baseline: "gRPC TLS"),
            new("gRPC for .NET (h2c)", a => new GrpcTarget(a.Grpc, large: false)),
            new(MicroTlsRow, a => MicroClientTarget.Create(a, large: false, direct: false, http2: true, tls: true)),
            new(MicroHttp2Row, a => MicroClientTarget.Create(a, large: false, direct: false, http2: true)),
        ]),
        new("gRPC wire, small message: Grpc.Net.Client calls Bench.Hello on Grpc.AspNetCore and on a MicroHosting handler (IMicroClient: Greeter.Hello as application/grpc+json)", [
            new("gRPC for .NET", a => new GrpcTarget(a.Grpc, large: false), Baseline: "gRPC"),
            new(MicroGrpcServerRow, a => GrpcTarget.ForMicro(a, large: false)),
            new(MicroGrpcClientRow, a => MicroClientTarget.Create(a, large: false, direct: false, grpc: true)),
        ]),
        new("gRPC wire, ~600-byte protobuf: Bench.Echo on Grpc.AspNetCore and on a MicroHosting handler", [
            new("gRPC for .NET", a => new GrpcTarget(a.Grpc, large: true), Baseline: "gRPC"),
            new(MicroGrpcServerRow, a => GrpcTarget.ForMicro(a, large: true)),
            new(MicroGrpcClientRow, a => MicroClientTarget.Create(a, large: true, direct: false, grpc: true)),
        ]),
    ];
}
