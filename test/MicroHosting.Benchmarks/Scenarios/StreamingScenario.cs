using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Server streaming: streams of <see cref="Messages"/> messages per call, MicroHosting (WebSocket on the endpoint's
/// path) against gRPC server streaming. Until the MicroHosting stream client lands, a plain ClientWebSocket reads it.
/// </summary>
internal sealed class StreamingScenario : ComparisonScenario
{
    public const int Messages = 1000;
    public const string MicroRow = "MicroHosting stream + plain ClientWebSocket (stream client not on main yet)";

    public override string Name => "streaming";

    public override string Description => "server streaming, messages/s vs gRPC for .NET server streaming";

    protected override IReadOnlyList<int> DefaultConcurrency => [1, 16];

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new($"small messages, {Messages} per stream", [
            new("gRPC for .NET server streaming", a => new GrpcStreamTarget(a.Grpc, Messages, large: false), Baseline: "gRPC"),
            new(MicroRow, a => new WebSocketStreamTarget(a.Micro, Messages, large: false)),
        ], Messages),
        new($"~600-byte messages, {Messages} per stream", [
            new("gRPC for .NET server streaming", a => new GrpcStreamTarget(a.Grpc, Messages, large: true), Baseline: "gRPC"),
            new(MicroRow, a => new WebSocketStreamTarget(a.Micro, Messages, large: true)),
        ], Messages),
    ];
}
