using MicroHosting.Benchmarks.Servers;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>One benchmark scenario of the command line.</summary>
internal abstract class Scenario
{
    /// <summary>Gets every scenario, in the order of the issue.</summary>
    public static IReadOnlyList<Scenario> All { get; } =
    [
        new ServerScenario(),
        new UnaryScenario(),
        new CallPathScenario(),
        new MicroScenario(),
        new MdnsScenario(),
        new PubSubScenario(),
        new JetStreamScenario(),
        new StreamingScenario(),
        new Faults.FaultScenario(),
        new StartupScenario(),
    ];

    public abstract string Name { get; }

    public abstract string Description { get; }

    public abstract Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken);

    protected static async Task<IBenchServers> StartServersAsync(BenchmarkOptions options, CancellationToken cancellationToken)
        => options.InProcess
            ? await InProcessServers.StartAsync(cancellationToken).ConfigureAwait(false)
            : await ChildProcessServers.StartAsync(options.Pin, options.AllocationProfile, cancellationToken).ConfigureAwait(false);
}
