using System.Globalization;
using System.Text;
using MicroHosting.Benchmarks.Comparison;
using MicroHosting.Benchmarks.PubSub;

namespace MicroHosting.Benchmarks.Scenarios;

/// <summary>
/// Durable pub/sub: MicroHosting's jetstream broker against raw NATS.Net JetStream with the same settings (acknowledged
/// publish with a message id, durable pull consumer, an ack per message). Each target runs on a fresh nats-server with
/// its own JetStream store, so no stream or backlog carries over.
/// </summary>
internal sealed class JetStreamScenario : Scenario
{
    public const string RawJetStream = "raw NATS.Net JetStream";
    public const string JetStreamBroker = "MicroHosting jetstream broker (IBroker)";

    public override string Name => "jetstream";

    public override string Description => "jetstream broker: acknowledged publishes/s, consumed (acked) messages/s and latency vs raw NATS.Net JetStream";

    public override async Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var targets = new (string Name, Func<string, CancellationToken, Task<PubSubTarget>> Start)[]
        {
            (RawJetStream, (url, _) => Task.FromResult<PubSubTarget>(new RawJetStreamTarget(url))),
            (JetStreamBroker, BrokerApps.StartJetStreamAsync),
        };
        var results = new Dictionary<(string, int), List<PubSubResult>>();
        var noNats = false;
        foreach (var publishers in options.ConcurrencyOr(16))
        {
            for (var repeat = 1; repeat <= options.EffectiveRepeat && !noNats; repeat++)
            {
                foreach (var (name, start) in targets)
                {
                    using var nats = await NatsServerProcess.TryStartJetStreamAsync(cancellationToken).ConfigureAwait(false);
                    if (nats is null)
                    {
                        noNats = true;
                        break;
                    }

                    var target = await start(nats.Url, cancellationToken).ConfigureAwait(false);
                    await using (target.ConfigureAwait(false))
                    {
                        var result = await PubSubRunner.RunAsync(target, publishers, options.Rate, options.EffectiveWarmup, options.EffectiveDuration, cancellationToken).ConfigureAwait(false);
                        await log.WriteLineAsync(string.Create(
                            CultureInfo.InvariantCulture,
                            $"[{repeat}/{options.EffectiveRepeat}] jetstream, {publishers} publishers, {name}: {result.Published:F0} published/s, {result.Delivered:F0} delivered/s, at {result.Rate}/s p50 {result.P50.TotalMilliseconds:F3} ms p99 {result.P99.TotalMilliseconds:F3} ms, lost {result.Lost}")).ConfigureAwait(false);
                        if (!results.TryGetValue((name, publishers), out var list))
                        {
                            results[(name, publishers)] = list = [];
                        }

                        list.Add(result);
                    }
                }
            }
        }

        return new ScenarioReport(Name, Format(options, results, noNats));
    }

    private string Format(BenchmarkOptions options, Dictionary<(string, int), List<PubSubResult>> results, bool noNats)
    {
        var invariant = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(invariant, $"## {Name}: {Description}");
        text.AppendLine();
        text.AppendLine(invariant, $"{Environment.ProcessorCount} cores, not pinned; publisher and subscriber in one process (two connections), nats-server -js a child process with a fresh file store per target; {PubSubRunner.MessageSize}-byte messages; {options.EffectiveRepeat} repetition(s) of {options.EffectiveDuration.TotalSeconds:0.###} s saturated + {options.EffectiveDuration.TotalSeconds:0.###} s at {options.Rate} msg/s, after {options.EffectiveWarmup.TotalSeconds:0.###} s warm-up; medians. published/s counts publishes the stream acknowledged; delivered/s counts handled messages (each acked).");
        if (noNats)
        {
            text.AppendLine().AppendLine(PubSubScenario.NoNatsServer + ".");
            return text.ToString();
        }

        text.AppendLine();
        text.AppendLine(invariant, $"| publishers | target | published/s | delivered/s | B/msg | p50 ms @{options.Rate}/s | p99 ms @{options.Rate}/s | lost | published/s vs raw | delivered/s vs raw |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var publishers in options.ConcurrencyOr(16))
        {
            results.TryGetValue((RawJetStream, publishers), out var raw);
            foreach (var name in new[] { RawJetStream, JetStreamBroker })
            {
                if (!results.TryGetValue((name, publishers), out var mine))
                {
                    continue;
                }

                var published = ComparisonRunner.Median(mine.Select(r => r.Published));
                var delivered = ComparisonRunner.Median(mine.Select(r => r.Delivered));
                var bytes = ComparisonRunner.Median(mine.Select(r => r.BytesPerMessage));
                var p50 = ComparisonRunner.Median(mine.Select(r => r.P50.TotalMilliseconds));
                var p99 = ComparisonRunner.Median(mine.Select(r => r.P99.TotalMilliseconds));
                var vsPublished = name == RawJetStream || raw is null ? string.Empty : Ratio(ComparisonRunner.Median(mine.Zip(raw, (m, b) => b.Published > 0 ? m.Published / b.Published : 0)));
                var vsDelivered = name == RawJetStream || raw is null ? string.Empty : Ratio(ComparisonRunner.Median(mine.Zip(raw, (m, b) => b.Delivered > 0 ? m.Delivered / b.Delivered : 0)));
                text.AppendLine(invariant, $"| {publishers} | {name} | {published:N0} | {delivered:N0} | {bytes:N0} | {p50:F3} | {p99:F3} | {mine.Sum(r => r.Lost)} | {vsPublished} | {vsDelivered} |");
            }
        }

        return text.ToString();
    }

    private static string Ratio(double ratio) => ratio.ToString("F2", CultureInfo.InvariantCulture) + "x";
}
