using MicroHosting.Benchmarks.Scenarios;
using MicroHosting.Benchmarks.Servers;

namespace MicroHosting.Benchmarks;

/// <summary>The command line: runs one scenario and prints its Markdown tables; progress goes to the log writer.</summary>
internal static class BenchmarkApp
{
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter log, CancellationToken cancellationToken)
    {
        if (args is [ServeCommand.Name, ..] && args.Skip(1).All(a => a == ServeCommand.ProfileOption))
        {
            return await ServeCommand.RunAsync(output, profile: args.Length > 1, cancellationToken).ConfigureAwait(false);
        }

        if (args is [Startup.GrpcGreeterCommand.Name])
        {
            return await Startup.GrpcGreeterCommand.RunAsync(output, cancellationToken).ConfigureAwait(false);
        }

        if (Mdns.MdnsNodeCommand.Matches(args))
        {
            return await Mdns.MdnsNodeCommand.RunAsync(args, output, cancellationToken).ConfigureAwait(false);
        }

        if (Mdns.MdnsFloodCommand.Matches(args))
        {
            return await Mdns.MdnsFloodCommand.RunAsync(args, output, cancellationToken).ConfigureAwait(false);
        }

        if (args is ["--help" or "-h" or "help"])
        {
            await output.WriteLineAsync(BenchmarkCommandLine.Usage + Scenarios()).ConfigureAwait(false);
            return 0;
        }

        BenchmarkOptions options;
        try
        {
            options = BenchmarkCommandLine.Parse(args);
        }
        catch (ArgumentException ex)
        {
            await log.WriteLineAsync(ex.Message + "\n\n" + BenchmarkCommandLine.Usage + Scenarios()).ConfigureAwait(false);
            return 2;
        }

        var report = await RunScenarioAsync(options, log, cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(report.Markdown).ConfigureAwait(false);
        return 0;
    }

    public static Task<ScenarioReport> RunScenarioAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
        => Scenario.All.Single(s => s.Name == options.Scenario).RunAsync(options, log, cancellationToken);

    private static string Scenarios()
        => "\nScenarios:\n" + string.Concat(Scenario.All.Select(s => $"  {s.Name,-10} {s.Description}\n"));
}
