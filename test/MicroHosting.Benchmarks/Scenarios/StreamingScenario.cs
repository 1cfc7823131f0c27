using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Server streaming: streams of <see cref="Messages"/> messages per call, MicroHosting (WebSocket on the endpoint's
/// path) against gRPC server streaming: through the MicroHosting client by service name, and read with a plain
/// ClientWebSocket (the protocol's floor, without the client's discovery, selection and decoding layers), and through
/// the MicroHosting client as gRPC streams (the same MicroHosting handler, its node registered as <c>protocol=grpc</c>).
/// </summary>
internal sealed class StreamingScenario : ComparisonScenario
{
    public const int Messages = 1000;
    public const string MicroRow = "MicroHosting stream, IMicroClient.ServerStreamAsync by service name";
    public const string RawRow = "MicroHosting stream + plain ClientWebSocket";
    public const string GrpcRow = "MicroHosting stream over gRPC, IMicroClient.ServerStreamAsync to the node as protocol=grpc";

    public override string Name => "streaming";

    public override string Description => "server streaming, messages/s vs gRPC for .NET server streaming";

    protected override IReadOnlyList<int> DefaultConcurrency => [1, 16];

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new($"small messages, {Messages} per stream", [
            new("gRPC for .NET server streaming", a => new GrpcStreamTarget(a.Grpc, Messages, large: false), Baseline: "gRPC"),
            new(MicroRow, a => new MicroStreamClientTarget(a, Messages, large: false)),
            new(RawRow, a => new WebSocketStreamTarget(a.Micro, Messages, large: false)),
            new(GrpcRow, a => new MicroStreamClientTarget(a, Messages, large: false, grpc: true)),
        ], Messages),
        new($"~600-byte messages, {Messages} per stream", [
            new("gRPC for .NET server streaming", a => new GrpcStreamTarget(a.Grpc, Messages, large: true), Baseline: "gRPC"),
            new(MicroRow, a => new MicroStreamClientTarget(a, Messages, large: true)),
            new(RawRow, a => new WebSocketStreamTarget(a.Micro, Messages, large: true)),
            new(GrpcRow, a => new MicroStreamClientTarget(a, Messages, large: true, grpc: true)),
        ], Messages),
    ];
}
