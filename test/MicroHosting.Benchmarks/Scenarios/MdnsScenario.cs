using System.Diagnostics;
using System.Globalization;
using System.Text;
using MicroHosting.Benchmarks.Mdns;
using MicroHosting.Registry;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// mDNS end to end: the watcher in this process, each node in its own child process, all on <c>lo</c> (IPv4) in a
/// domain of this run's own. Per repetition one node registers with probing (the default) and says goodbye, and one
/// registers without probing and is killed, so it is dropped only when its short record TTL runs out.
/// </summary>
internal sealed class MdnsScenario : Scenario
{
    public const string ProbingOn = "register -> visible, probing on (default)";
    public const string ProbingOnRegister = "  of which RegisterAsync in the node: probing + first announcement";
    public const string ProbingOff = "register -> visible, probing off (Probe = false)";
    public const string ProbingOffRegister = "  of which RegisterAsync in the node: first announcement";
    public const string Goodbye = "goodbye (DeregisterAsync) -> gone";
    public const string Killed = "kill -9 (no goodbye) -> gone, RecordTtl = 2 s";

    /// <summary>The record TTL of the killed node: the shortest whole number of seconds the options allow is 1; 2 leaves room for the re-query at 80-95 %.</summary>
    public static readonly TimeSpan KilledRecordTtl = TimeSpan.FromSeconds(2);

    /// <summary>How long the watcher may take to see a transition before the run fails: generous, as CI runs the smoke test on a loaded machine.</summary>
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(30);

    private const string Service = "mdnsbench";

    public override string Name => "mdns";

    public override string Description => "mDNS on lo: register -> visible in another process, goodbye -> gone, kill -> gone";

    public override async Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var domain = MdnsBenchOptions.NewDomain();
        var samples = new[] { ProbingOn, ProbingOnRegister, ProbingOff, ProbingOffRegister, Goodbye, Killed }.ToDictionary(k => k, _ => new List<double>());
        var repeat = options.Repeat ?? (options.Quick ? 2 : 10);
        await log.WriteLineAsync($"mdns: domain {domain} on {MdnsBenchOptions.Interface} (IPv4), {repeat} repetition(s)").ConfigureAwait(false);
        await using (var watcher = await MdnsWatcher.StartAsync(domain, Service, cancellationToken).ConfigureAwait(false))
        {
            for (var i = 0; i < repeat; i++)
            {
                await using (var node = await MdnsNodeProcess.StartAsync(domain, Service, NewNodeId(), probe: true, TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false))
                {
                    var (start, end) = await node.RegisterAsync(cancellationToken).ConfigureAwait(false);
                    var visible = await watcher.WaitAsync(RegistryEventType.Create, node.NodeId, EventTimeout, cancellationToken).ConfigureAwait(false);
                    samples[ProbingOn].Add(Ms(start, visible));
                    samples[ProbingOnRegister].Add(Ms(start, end));

                    (start, _) = await node.DeregisterAsync(cancellationToken).ConfigureAwait(false);
                    var gone = await watcher.WaitAsync(RegistryEventType.Delete, node.NodeId, EventTimeout, cancellationToken).ConfigureAwait(false);
                    samples[Goodbye].Add(Ms(start, gone));
                }

                await using (var node = await MdnsNodeProcess.StartAsync(domain, Service, NewNodeId(), probe: false, KilledRecordTtl, cancellationToken).ConfigureAwait(false))
                {
                    var (start, end) = await node.RegisterAsync(cancellationToken).ConfigureAwait(false);
                    var visible = await watcher.WaitAsync(RegistryEventType.Create, node.NodeId, EventTimeout, cancellationToken).ConfigureAwait(false);
                    samples[ProbingOff].Add(Ms(start, visible));
                    samples[ProbingOffRegister].Add(Ms(start, end));

                    var killed = node.Kill();
                    var gone = await watcher.WaitAsync(RegistryEventType.Delete, node.NodeId, KilledRecordTtl + EventTimeout, cancellationToken).ConfigureAwait(false);
                    samples[Killed].Add(Ms(killed, gone));
                }

                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"mdns: repetition {i + 1}/{repeat}: visible {samples[ProbingOn][^1]:F0} ms (probing on), {samples[ProbingOff][^1]:F0} ms (off); goodbye {samples[Goodbye][^1]:F1} ms; kill {samples[Killed][^1]:F0} ms")).ConfigureAwait(false);
            }
        }

        var rows = samples.Select(s => new MdnsRow(s.Key, s.Value, Target(s.Key))).ToList();
        return new ScenarioReport(Name, Markdown(rows, repeat, domain)) { MdnsRows = rows };
    }

    private static double? Target(string measurement) => measurement switch
    {
        ProbingOn or ProbingOff => 1000,
        Goodbye => 200,
        _ => null,
    };

    private static string NewNodeId() => "mdnsbench-" + Guid.NewGuid().ToString("N")[..12];

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static string Markdown(List<MdnsRow> rows, int repeat, string domain)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"### mdns: register -> visible, goodbye -> gone, kill -> gone (node in a child process, watcher in this one)\n\n");
        text.Append(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores, not pinned; mDNS on `lo` only, IPv4, domain `{domain}` (one per run); {repeat} repetition(s), each with a new node process. ");
        text.Append("Times run from the node's call (its Stopwatch timestamp, machine-wide monotonic) to the watcher's event; p99 is by nearest rank (with fewer than 100 samples, the largest).\n\n");
        text.Append("| measurement | n | median ms | p99 ms | target | p99 within target |\n|---|---:|---:|---:|---:|---|\n");
        foreach (var row in rows)
        {
            var target = row.TargetMs is { } t ? string.Create(CultureInfo.InvariantCulture, $"<= {t / 1000:0.##} s") : string.Empty;
            var met = row.Met switch { true => "yes", false => "**no**", null => string.Empty };
            text.Append(CultureInfo.InvariantCulture, $"| {row.Measurement} | {row.Samples.Count} | {row.Median:F1} | {row.P99:F1} | {target} | {met} |\n");
        }

        return text.ToString();
    }
}
