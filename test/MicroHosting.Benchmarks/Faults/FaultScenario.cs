using System.Diagnostics;
using System.Globalization;
using System.Text;
using MicroHosting.Benchmarks.Load;
using MicroHosting.Benchmarks.Scenarios;
using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Benchmarks.Faults;

/// <summary>
/// Failure handling under load: two healthy nodes and a third that is hung, slow (10x), killed, draining (503) or whose
/// handler throws, called through <see cref="IMicroClient"/> at a fixed rate with the default settings (p2c, 1 retry,
/// 5 s budget). Reports failed calls, p50/p99 of the calls that succeeded and the attempts the faulty node got. Each
/// fault gets a fresh client (fresh node health) and a fresh faulty node; everything runs in this process.
/// </summary>
internal sealed class FaultScenario : Scenario
{
    public override string Name => "faults";

    public override string Description => "failed calls, p50/p99 and attempts on the bad node with one node hung, slow, killed, draining or throwing";

    /// <summary>The faults measured, in the order of the table.</summary>
    public static IReadOnlyList<(FaultKind Fault, string Description)> Faults { get; } =
    [
        (FaultKind.None, "none (three healthy nodes)"),
        (FaultKind.Hung, "hung (accepts, never answers)"),
        (FaultKind.Slow, "slow (10x latency)"),
        (FaultKind.Killed, "killed (connection refused)"),
        (FaultKind.Draining, "draining (503)"),
        (FaultKind.ThrowingIdempotent, "handler throws, idempotent endpoint"),
        (FaultKind.ThrowingNotIdempotent, "handler throws, non-idempotent endpoint"),
    ];

    public override async Task<ScenarioReport> RunAsync(BenchmarkOptions options, TextWriter log, CancellationToken cancellationToken)
    {
        var rate = options.Rate == 1000 ? (options.Quick ? 100 : 200) : options.Rate;
        var service = "faults-" + Guid.NewGuid().ToString("N")[..8];
        using var registry = new InMemoryRegistry();
        var healthy = new List<WebApplication>();
        try
        {
            for (var i = 0; i < 2; i++)
            {
                healthy.Add(await FaultNodes.StartAsync(registry, service, FaultKind.None, cancellationToken).ConfigureAwait(false));
            }

            // JIT and connection warm-up, with a client of its own (its node health is thrown away).
            await RunFaultAsync(registry, service, FaultKind.None, rate, options.EffectiveWarmup, cancellationToken).ConfigureAwait(false);
            var rows = new List<FaultRow>();
            foreach (var (fault, description) in Faults)
            {
                if (options.Target is { } target && !description.Contains(target, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                var runs = new List<FaultRow>();
                for (var repeat = 0; repeat < options.EffectiveRepeat; repeat++)
                {
                    await log.WriteLineAsync($"faults: {description}, {rate}/s for {options.EffectiveDuration.TotalSeconds:0.#} s ({repeat + 1}/{options.EffectiveRepeat})").ConfigureAwait(false);
                    var (calls, failed, histogram, attempts, bad) = await RunFaultAsync(registry, service, fault, rate, options.EffectiveDuration, cancellationToken).ConfigureAwait(false);
                    runs.Add(new FaultRow(
                        fault, description, calls, failed, TimeSpan.FromTicks((long)(histogram.Percentile(50) / 100)), TimeSpan.FromTicks((long)(histogram.Percentile(99) / 100)), attempts, bad));
                }

                rows.Add(Median(runs));
            }

            return new ScenarioReport(Name, Markdown(rows, rate, options)) { FaultRows = rows };
        }
        finally
        {
            foreach (var app in healthy)
            {
                await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async Task<(long Calls, long Failed, LatencyHistogram Histogram, long Attempts, long BadNodeAttempts)> RunFaultAsync(
        IRegistry registry, string service, FaultKind fault, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        WebApplication? bad = null;
        FaultNodes.Hung? hung = null;
        MicroService? fake = null;
        int badPort;
        switch (fault)
        {
            case FaultKind.Hung:
                hung = new FaultNodes.Hung();
                badPort = hung.Port;
                fake = await FaultNodes.RegisterFakeAsync(registry, service, "hung-" + badPort, badPort, cancellationToken).ConfigureAwait(false);
                break;
            case FaultKind.Killed:
                badPort = FaultNodes.ClosedPort();
                fake = await FaultNodes.RegisterFakeAsync(registry, service, "killed-" + badPort, badPort, cancellationToken).ConfigureAwait(false);
                break;
            default:
                bad = await FaultNodes.StartAsync(registry, service, fault, cancellationToken).ConfigureAwait(false);
                badPort = new Uri(bad.Urls.First()).Port;
                break;
        }

        var counter = new FaultNodes.AttemptCounter();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore().UseRegistry(registry);
        services.AddHttpClient(MicroClientOptions.HttpClientName).AddHttpMessageHandler(() => counter);
        try
        {
            await using var provider = services.BuildServiceProvider();
            var client = provider.GetRequiredService<IMicroClient>();
            var endpoint = fault == FaultKind.ThrowingNotIdempotent ? FaultNodes.NotIdempotent : FaultNodes.Idempotent;
            var histogram = new LatencyHistogram();
            var total = Math.Max(1, (long)(rate * duration.TotalSeconds));
            var interval = (double)Stopwatch.Frequency / rate;
            var calls = new List<Task<long>>((int)Math.Min(total, 1_000_000));
            var start = Stopwatch.GetTimestamp();
            long started = 0;
            while (started < total)
            {
                var now = Stopwatch.GetTimestamp();
                while (started < total && start + (long)(started * interval) <= now)
                {
                    calls.Add(CallAsync(client, service, endpoint, cancellationToken));
                    started++;
                }

                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            }

            long failed = 0;
            foreach (var latency in await Task.WhenAll(calls).ConfigureAwait(false))
            {
                if (latency < 0)
                {
                    failed++;
                }
                else
                {
                    histogram.Record(latency);
                }
            }

            return (total, failed, histogram, counter.Total, counter.For(badPort));
        }
        finally
        {
            if (fake is not null)
            {
                await registry.DeregisterAsync(fake, CancellationToken.None).ConfigureAwait(false);
            }

            if (bad is not null)
            {
                await bad.StopAsync(CancellationToken.None).ConfigureAwait(false); // deregisters it
                await bad.DisposeAsync().ConfigureAwait(false);
            }

            if (hung is not null)
            {
                await hung.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One call; its latency in nanoseconds, or -1 when it failed.</summary>
    private static async Task<long> CallAsync(IMicroClient client, string service, string endpoint, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.CallAsync<GreetRequest, GreetReply>(service, endpoint, new GreetRequest("bench"), cancellationToken: cancellationToken).ConfigureAwait(false);
            return (long)((Stopwatch.GetTimestamp() - started) * (1e9 / Stopwatch.Frequency));
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            if (Environment.GetEnvironmentVariable("MICROHOSTING_BENCH_LOG") is "1")
            {
                Console.Error.WriteLine($"faults: {service} {endpoint} failed: {ex.GetType().Name}: {ex.Message}");
            }

            return -1;
        }
    }

    private static FaultRow Median(List<FaultRow> runs)
    {
        static T Mid<T>(IEnumerable<T> values)
        {
            var sorted = values.Order().ToArray();
            return sorted[sorted.Length / 2];
        }

        var first = runs[0];
        return first with
        {
            Calls = Mid(runs.Select(r => r.Calls)),
            Failed = Mid(runs.Select(r => r.Failed)),
            P50 = Mid(runs.Select(r => r.P50)),
            P99 = Mid(runs.Select(r => r.P99)),
            Attempts = Mid(runs.Select(r => r.Attempts)),
            BadNodeAttempts = Mid(runs.Select(r => r.BadNodeAttempts)),
        };
    }

    private static string Markdown(IReadOnlyList<FaultRow> rows, int rate, BenchmarkOptions options)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"### Faults: two healthy nodes and a third as below, IMicroClient defaults, {rate} calls/s for {options.EffectiveDuration.TotalSeconds:0.#} s (median of {options.EffectiveRepeat})\n\n");
        text.Append("| Third node | Calls | Failed | p50 ms | p99 ms | Attempts | Attempts on the bad node |\n");
        text.Append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var row in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {row.Description} | {row.Calls} | {row.Failed} | {row.P50.TotalMilliseconds:0.00} | {row.P99.TotalMilliseconds:0.00} | {row.Attempts} | {row.BadNodeAttempts} |\n");
        }

        return text.ToString();
    }
}
