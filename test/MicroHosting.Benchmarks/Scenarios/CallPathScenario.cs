using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.Targets;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// The client's full call path (registry cache, selector, Polly pipeline) against a direct address, at a fixed rate,
/// so the difference is the latency the path adds, without coordinated omission.
/// </summary>
internal sealed class CallPathScenario : ComparisonScenario
{
    public const string FullPath = "IMicroClient, registry cache + selector + Polly (native route)";

    public override string Name => "call-path";

    public override string Description => "full client call path vs a direct address, at a fixed rate (latency added)";

    protected override IReadOnlyList<int> DefaultConcurrency => [];

    protected override ComparisonRunner.Measure Measure => ComparisonRunner.FixedRate;

    protected override string LevelName => "rate/s";

    protected override IReadOnlyList<ComparisonTable> Tables { get; } =
    [
        new("small JSON, Greeter.Hello", [
            new("plain HttpClient to the node's native route", a => new HttpJsonTarget(a.Micro), Baseline: "direct"),
            new("plain HttpClient to the node, Go Micro POST /", a => new HttpJsonTarget(a.Micro, goMicro: true)),
            new("IMicroClient with MicroCallOptions.Address (no registry; Go Micro POST /)", a => MicroClientTarget.Create(a, large: false, direct: true)),
            new(FullPath, a => MicroClientTarget.Create(a, large: false, direct: false)),
        ]),
    ];

    protected override IReadOnlyList<int> Levels(BenchmarkOptions options) => [options.Quick && options.Rate == 1000 ? 200 : options.Rate];
}
