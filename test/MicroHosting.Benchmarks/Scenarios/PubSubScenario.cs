using System.Globalization;
using System.Text;
using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.PubSub;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Broker.Nats;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Pub/sub: MicroHosting's NATS broker and http broker against raw NATS.Net publish/subscribe on the same nats-server.
/// Publisher and subscriber share this process; for NATS each has its own connection (raw NATS.Net: two connections;
/// the broker rows: a publishing and a subscribing MicroHosting app, as two services would be).
/// </summary>
internal sealed class PubSubScenario : Scenario
{
    public const string RawNats = "raw NATS.Net";
    public const string RawNatsHeaders = "raw NATS.Net with the same header per message";
    public const string NatsBrokerHeaders = "MicroHosting NATS broker (Headers)";
    public const string NatsBrokerGoMicro = "MicroHosting NATS broker (GoMicro envelope)";
    public const string HttpBroker = "MicroHosting http broker (IBroker, to itself over loopback)";
    public const string NoNatsServer = "nats-server is not installed (Debian package nats-server)";

    public override string Name => "pubsub";

    public override string Description => "NATS and http brokers: messages/s and publish->deliver latency vs raw NATS.Net";

    public override async Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        using var nats = await NatsServerProcess.TryStartAsync(cancellationToken).ConfigureAwait(false);
        using var sampler = options.AllocationProfile ? new AllocationSampler() : null;
        var targets = new List<(string Name, Func<CancellationToken, Task<PubSubTarget>> Start)>();
        if (nats is not null)
        {
            targets.Add((RawNats, _ => Task.FromResult<PubSubTarget>(new RawNatsTarget(nats.Url))));
            targets.Add((RawNatsHeaders, _ => Task.FromResult<PubSubTarget>(new RawNatsTarget(nats.Url, headers: true))));
            targets.Add((NatsBrokerHeaders, ct => BrokerApps.StartNatsAsync(nats.Url, NatsMessageFormat.Headers, ct)));
            targets.Add((NatsBrokerGoMicro, ct => BrokerApps.StartNatsAsync(nats.Url, NatsMessageFormat.GoMicro, ct)));
        }

        targets.Add((HttpBroker, BrokerApps.StartHttpAsync));

        // --target "a|b": only the rows any of the alternatives names (e.g. one row, to attach a profiler).
        var filters = options.Target?.Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
        targets.RemoveAll(t => filters.Length > 0 && !filters.Any(f => t.Name.Contains(f, StringComparison.OrdinalIgnoreCase)));
        var results = new Dictionary<(string, int), List<PubSubResult>>();
        foreach (var publishers in options.ConcurrencyOr(16))
        {
            for (var repeat = 1; repeat <= options.EffectiveRepeat; repeat++)
            {
                foreach (var (name, start) in targets)
                {
                    // A fresh subscriber and connection per run, so no backlog carries over.
                    var target = await start(cancellationToken).ConfigureAwait(false);
                    await using (target.ConfigureAwait(false))
                    {
                        sampler?.Take();
                        var result = await PubSubRunner.RunAsync(target, publishers, options.Rate, options.EffectiveWarmup, options.EffectiveDuration, cancellationToken).ConfigureAwait(false);
                        await log.WriteLineAsync(string.Create(
                            CultureInfo.InvariantCulture,
                            $"[{repeat}/{options.EffectiveRepeat}] pubsub, {publishers} publishers, {name}: {result.Published:F0} published/s, {result.Delivered:F0} delivered/s, {result.BytesPerMessage:F0} B/msg, {result.CpuPerMessage:F2} CPU µs/msg, at {result.Rate}/s p50 {result.P50.TotalMilliseconds:F3} ms p99 {result.P99.TotalMilliseconds:F3} ms, lost {result.Lost}")).ConfigureAwait(false);
                        if (sampler is not null)
                        {
                            await log.WriteLineAsync("  allocations by type (sampled, publisher and subscriber):\n" + sampler.Take()).ConfigureAwait(false);
                        }

                        if (!results.TryGetValue((name, publishers), out var list))
                        {
                            results[(name, publishers)] = list = [];
                        }

                        list.Add(result);
                    }
                }
            }
        }

        var rows = Summarize(targets.Select(t => t.Name).ToArray(), options.ConcurrencyOr(16), results);
        return new ScenarioReport(Name, Format(options, rows, nats is null)) { PubSubRows = rows };
    }

    private static List<PubSubRow> Summarize(string[] names, IReadOnlyList<int> publishers, Dictionary<(string, int), List<PubSubResult>> results)
    {
        var rows = new List<PubSubRow>();
        foreach (var count in publishers)
        {
            results.TryGetValue((RawNats, count), out var raw);
            results.TryGetValue((RawNatsHeaders, count), out var rawHeaders);
            foreach (var name in names)
            {
                var mine = results[(name, count)];
                var median = new PubSubResult(
                    ComparisonRunner.Median(mine.Select(r => r.Published)),
                    ComparisonRunner.Median(mine.Select(r => r.Delivered)),
                    ComparisonRunner.Median(mine.Select(r => r.BytesPerMessage)),
                    ComparisonRunner.Median(mine.Select(r => r.CpuPerMessage)),
                    mine[0].Rate,
                    TimeSpan.FromTicks((long)ComparisonRunner.Median(mine.Select(r => (double)r.P50.Ticks))),
                    TimeSpan.FromTicks((long)ComparisonRunner.Median(mine.Select(r => (double)r.P99.Ticks))),
                    mine.Sum(r => r.Lost));
                var baseline = name != RawNats ? raw : null;
                var headersBaseline = name is not RawNats and not RawNatsHeaders ? rawHeaders : null;
                rows.Add(new PubSubRow(
                    name,
                    count,
                    median,
                    baseline is null ? null : ComparisonRunner.Median(mine.Zip(baseline, (m, b) => b.Published > 0 ? m.Published / b.Published : 0)),
                    baseline is null ? null : ComparisonRunner.Median(mine.Zip(baseline, (m, b) => b.Delivered > 0 ? m.Delivered / b.Delivered : 0)),
                    headersBaseline is null ? null : ComparisonRunner.Median(mine.Zip(headersBaseline, (m, b) => b.Published > 0 ? m.Published / b.Published : 0)),
                    headersBaseline is null ? null : ComparisonRunner.Median(mine.Zip(headersBaseline, (m, b) => b.CpuPerMessage > 0 ? m.CpuPerMessage / b.CpuPerMessage : 0))));
            }
        }

        return rows;
    }

    private string Format(BenchmarkOptions options, List<PubSubRow> rows, bool noNats)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"## {Name}: {Description}");
        text.AppendLine();
        text.AppendLine(invariant, $"{Environment.ProcessorCount} cores, not pinned; publisher, subscriber and brokers in one process, nats-server a child process; {PubSubRunner.MessageSize}-byte messages; {options.EffectiveRepeat} repetition(s) of {options.EffectiveDuration.TotalSeconds:0.###} s saturated + {options.EffectiveDuration.TotalSeconds:0.###} s at {options.Rate} msg/s, after {options.EffectiveWarmup.TotalSeconds:0.###} s warm-up; medians.");
        if (noNats)
        {
            text.AppendLine().AppendLine(invariant, $"NATS rows: not available yet: {NoNatsServer}.");
        }

        text.AppendLine();
        text.AppendLine(invariant, $"| publishers | target | published/s | delivered/s | B/msg | CPU µs/msg | p50 ms @{options.Rate}/s | p99 ms @{options.Rate}/s | lost | published/s vs raw NATS | delivered/s vs raw NATS | published/s vs raw NATS with the header | CPU µs/msg vs raw NATS with the header |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
        {
            var r = row.Result;
            text.AppendLine(invariant, $"| {row.Publishers} | {row.Target} | {r.Published:N0} | {r.Delivered:N0} | {r.BytesPerMessage:N0} | {r.CpuPerMessage:N2} | {r.P50.TotalMilliseconds:F3} | {r.P99.TotalMilliseconds:F3} | {r.Lost} | {Ratio(row.PublishedVsRaw)} | {Ratio(row.DeliveredVsRaw)} | {Ratio(row.PublishedVsRawHeaders)} | {Ratio(row.CpuVsRawHeaders)} |");
        }

        return text.ToString();
    }

    private static string Ratio(double? ratio) => ratio is { } value ? value.ToString("F2", CultureInfo.InvariantCulture) + "x" : string.Empty;
}
