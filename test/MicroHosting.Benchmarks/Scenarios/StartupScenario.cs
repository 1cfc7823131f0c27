using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MicroHosting.Benchmarks.Startup;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Process start -> registered -> first call served, and resident memory idle and under load, for examples/Greeter.Service
/// built JIT and Native AOT, beside a Grpc.AspNetCore greeter (JIT) doing the same. Each program is started afresh per
/// repetition; a first, unmeasured start of each warms the disk cache and this process's client code.
/// </summary>
internal sealed class StartupScenario : Scenario
{
    public const double ReadyTargetMs = 100;
    public const double IdleRssTargetMb = 40;

    public override string Name => "startup";

    public override string Description => "process start -> registered -> first call, RSS idle and under load: Greeter.Service JIT and Native AOT, gRPC";

    public override async Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var repeat = options.Repeat ?? (options.Quick ? 1 : 5);
        var concurrency = options.ConcurrencyOr(16)[0];
        var load = options.EffectiveDuration;
        var taskset = options.Pin && Environment.ProcessorCount >= 2 ? Executables.Find("taskset") : null;
        var targets = new List<StartupTarget>();
        var jit = await GreeterBuilds.JitAsync(log, cancellationToken).ConfigureAwait(false);
        targets.Add(Greeter("Greeter.Service, JIT (dotnet Greeter.Service.dll)", "dotnet", [jit]));
        var aot = await GreeterBuilds.AotAsync(log, cancellationToken).ConfigureAwait(false);
        targets.Add(Greeter("Greeter.Service, Native AOT", aot, []));
        var self = Environment.ProcessPath ?? "dotnet";
        targets.Add(new StartupTarget(
            "gRPC for .NET greeter (Grpc.AspNetCore), JIT",
            self,
            string.Equals(Path.GetFileNameWithoutExtension(self), "dotnet", StringComparison.OrdinalIgnoreCase)
                ? [typeof(StartupScenario).Assembly.Location, GrpcGreeterCommand.Name]
                : [GrpcGreeterCommand.Name],
            new Dictionary<string, string>(),
            @"^READY (?<address>\S+)",
            Grpc: true));
        targets = [.. targets.Where(t => options.Target is null || t.Name.Contains(options.Target, StringComparison.OrdinalIgnoreCase))];

        var rows = new List<StartupRow>();
        foreach (var target in targets)
        {
            await StartupProbe.RunAsync(target, taskset, TimeSpan.FromSeconds(0.2), concurrency, cancellationToken).ConfigureAwait(false); // warm-up, not counted
            var samples = new List<StartupSample>();
            for (var i = 0; i < repeat; i++)
            {
                var sample = await StartupProbe.RunAsync(target, taskset, load, concurrency, cancellationToken).ConfigureAwait(false);
                samples.Add(sample);
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"startup: {target.Name} {i + 1}/{repeat}: ready {sample.ReadyMs:F0} ms, first call {sample.FirstCallMs:F0} ms, RSS idle {sample.IdleRssMb:F1} MB, under load {sample.LoadRssMb:F1} MB ({sample.CallsPerSecond:F0} calls/s)")).ConfigureAwait(false);
            }

            rows.Add(new StartupRow(target.Name, samples));
        }

        return new ScenarioReport(Name, Markdown(rows, repeat, concurrency, load, taskset is not null));
    }

    private static StartupTarget Greeter(string name, string fileName, string[] arguments)
        => new(
            name,
            fileName,
            arguments,
            new Dictionary<string, string>
            {
                ["MICRO_SERVER_ADDRESS"] = $"127.0.0.1:{FreePort()}",

                // mDNS on lo without RFC 6762 probing: probing waits ~0.75 s by design before the first announcement.
                ["MICRO_REGISTRY"] = "mdns",
                ["Micro__Mdns__Probe"] = "false",
                ["Logging__LogLevel__MicroHosting"] = "Information",
            },
            @"Registered greeter node \S+ at (?<address>\S+)",
            Grpc: false);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Markdown(List<StartupRow> rows, int repeat, int concurrency, TimeSpan load, bool pinned)
    {
        var text = new StringBuilder();
        text.Append("### startup: process start -> ready -> first call, resident memory\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, {(pinned ? "program pinned to CPU 0 (taskset), caller on the rest" : "not pinned")}; medians of {repeat} starts (after one unmeasured start each). ");
        text.Append("\"ready\" is the program's own line: MicroHosting's \"Registered greeter node\" (mDNS on `lo`, probing off), gRPC's READY once it listens (it has no registry). ");
        text.Append(CultureInfo.InvariantCulture, $"The first call is a new connection from this process (JSON `POST /Greeter/Hello`; gRPC `Bench.Hello` over h2c). RSS is VmRSS: idle 1 s after the first call, and the largest sampled (every 50 ms) during {load.TotalSeconds:0.#} s of {concurrency} closed-loop callers.\n\n");
        text.Append("| program | start -> ready ms | start -> first reply ms | idle RSS MB | RSS under load MB | calls/s under load |\n|---|---:|---:|---:|---:|---:|\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.Name} | {row.ReadyMs:F0} | {row.FirstCallMs:F0} | {row.IdleRssMb:F1} | {row.LoadRssMb:F1} | {row.CallsPerSecond:F0} |\n");
        }

        if (rows.FirstOrDefault(r => r.Name.Contains("Native AOT", StringComparison.Ordinal)) is { } aot)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"\nTargets (Native AOT): start -> registered <= {ReadyTargetMs:F0} ms: {(aot.ReadyMs <= ReadyTargetMs ? "met" : "**not met**")} ({aot.ReadyMs:F0} ms); idle RSS <= {IdleRssTargetMb:F0} MB: {(aot.IdleRssMb <= IdleRssTargetMb ? "met" : "**not met**")} ({aot.IdleRssMb:F1} MB).\n");
        }

        return text.ToString();
    }
}
