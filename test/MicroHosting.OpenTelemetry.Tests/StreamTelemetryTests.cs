using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using MicroHosting.Client;
using MicroHosting.Diagnostics;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace MicroHosting.OpenTelemetry.Tests;

/// <summary>Streams (and a unary call's span) across real Kestrel nodes: a client call span, a span per attempt, a server span continuing the trace, and durations tagged with the stream kind.</summary>
public sealed class StreamTelemetryTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly InMemoryRegistry _registry = new();
    private readonly string _service = "streams-" + Guid.NewGuid().ToString("N")[..8];
    private readonly ExportedSpans _exported = new();
    private readonly TracerProvider _tracing;

    public StreamTelemetryTests()
    {
        _tracing = Sdk.CreateTracerProviderBuilder().AddMicroInstrumentation().AddInMemoryExporter(_exported).Build();
    }

    public void Dispose()
    {
        _tracing.Dispose();
        _registry.Dispose();
    }

    [Fact]
    public async Task ServerStreamAsync_FirstNodeDown_AttemptSpansNameTheNodesAndTheServerSpanContinuesTheTrace()
    {
        var dead = await RegisterStoppedNodeAsync();
        await using var live = await StartNumbersAsync();
        await using var client = CreateClient();
        using var clientDurations = Durations(client, "rpc.client.call.duration");
        using var serverDurations = Durations(live.Services, "rpc.server.call.duration");
        using var retries = new MetricCollector<long>(client.GetRequiredService<IMeterFactory>(), MicroTelemetry.Name, "microhosting.client.retries");

        var items = new List<Number>();
        var options = new MicroCallOptions { Selector = new DeadFirst(dead.Id) };
        await foreach (var item in client.GetRequiredService<IMicroClient>().ServerStreamAsync<CountRequest, Number>(_service, "Numbers.Count", new CountRequest(3), options))
        {
            items.Add(item);
        }

        Assert.Equal([0, 1, 2], items.Select(i => i.Value));
        var spans = await SpansAsync(4);
        var call = Assert.Single(spans, s => s.Kind == ActivityKind.Internal);
        var attempts = spans.Where(s => s.Kind == ActivityKind.Client).OrderBy(s => (int?)s.GetTagItem("micro.attempt")).ToList();
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal(2, attempts.Count);
        Assert.Equal(default, call.ParentSpanId);
        Assert.All(attempts, a => Assert.Equal(call.SpanId, a.ParentSpanId));
        Assert.All(spans, s => Assert.Equal(call.TraceId, s.TraceId));
        Assert.All(spans, s => Assert.Equal(("Numbers/Count", "server"), (s.DisplayName, (string?)s.GetTagItem("micro.stream"))));

        // The first attempt went to the stopped node and failed; the second reached the live one, whose span is the server's parent.
        Assert.Equal((dead.Id, dead.Port, ActivityStatusCode.Error), ((string?)attempts[0].GetTagItem("micro.node.id"), (int?)attempts[0].GetTagItem("server.port"), attempts[0].Status));
        var liveNode = Assert.Single(await _registry.GetServiceAsync(_service)).Nodes.Single(n => n.Id != dead.Id);
        Assert.Equal((liveNode.Id, liveNode.Address, liveNode.Port), ((string?)attempts[1].GetTagItem("micro.node.id"), (string?)attempts[1].GetTagItem("server.address"), (int?)attempts[1].GetTagItem("server.port")));
        Assert.Equal(attempts[1].SpanId, server.ParentSpanId);
        Assert.Equal((200, ActivityStatusCode.Unset), ((int?)server.GetTagItem("rpc.response.status_code"), server.Status));
        Assert.Equal((2, 200), ((int?)call.GetTagItem("micro.attempts"), (int?)call.GetTagItem("rpc.response.status_code")));

        var retried = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal(_service, (string?)retried.Tags["micro.service"]);
        AssertDuration(Assert.Single(clientDurations.GetMeasurementSnapshot()), "server", 200);
        AssertDuration(Assert.Single(await SnapshotAsync(serverDurations, 1)), "server", 200);
    }

    [Fact]
    public async Task CallAsync_FirstNodeDown_TheCallSpanCarriesItsAttemptsWhenItEnds()
    {
        var dead = await RegisterStoppedNodeAsync();
        await using var live = await StartNumbersAsync();
        await using var client = CreateClient();

        // An exporter reads a span's tags when the span ends: what is set afterwards never reaches it.
        var atEnd = new List<(string? Service, object? Attempts)>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == MicroTelemetry.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                if (a.Kind == ActivityKind.Internal)
                {
                    lock (atEnd)
                    {
                        atEnd.Add(((string?)a.GetTagItem("micro.service"), a.GetTagItem("micro.attempts")));
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var reply = await client.GetRequiredService<IMicroClient>().CallAsync<Number, Number>(_service, "Numbers.Next", new Number(1), new MicroCallOptions { Selector = new DeadFirst(dead.Id) });

        Assert.Equal(2, reply.Value);
        lock (atEnd)
        {
            Assert.Equal((_service, (object?)2), Assert.Single(atEnd, e => e.Service == _service));
        }
    }

    [Fact]
    public async Task ClientStreamAsync_HandlerFails_SpansAndDurationsCarryTheErrorCode()
    {
        await using var live = await StartNumbersAsync();
        await using var client = CreateClient();
        using var clientDurations = Durations(client, "rpc.client.call.duration");
        using var serverDurations = Durations(live.Services, "rpc.server.call.duration");

        var error = await Assert.ThrowsAsync<MicroException>(() => client.GetRequiredService<IMicroClient>()
            .ClientStreamAsync<Number, Number>(_service, "Numbers.Reject", Numbers(3)));

        Assert.Equal(400, error.Code);
        var spans = await SpansAsync(3);
        var call = Assert.Single(spans, s => s.Kind == ActivityKind.Internal);
        var attempt = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        Assert.Equal(attempt.SpanId, server.ParentSpanId);
        Assert.All(spans, s => Assert.Equal(("client", 400), ((string?)s.GetTagItem("micro.stream"), (int?)s.GetTagItem("rpc.response.status_code"))));
        AssertDuration(Assert.Single(clientDurations.GetMeasurementSnapshot()), "client", 400);
        AssertDuration(Assert.Single(await SnapshotAsync(serverDurations, 1)), "client", 400);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_EndedNormally_DurationsTaggedBidirectional()
    {
        await using var live = await StartNumbersAsync();
        await using var client = CreateClient();
        using var clientDurations = Durations(client, "rpc.client.call.duration");
        using var serverDurations = Durations(live.Services, "rpc.server.call.duration");

        await using (var stream = await client.GetRequiredService<IMicroClient>().OpenDuplexStreamAsync<Number, Number>(_service, "Numbers.Echo"))
        {
            await stream.SendAsync(new Number(7));
            await stream.CompleteAsync();
            Assert.Equal([7], await stream.ReadAllAsync().Select(n => n.Value).ToListAsync());
        }

        var spans = await SpansAsync(3);
        Assert.Equal(attemptSpanId(spans), Assert.Single(spans, s => s.Kind == ActivityKind.Server).ParentSpanId);
        AssertDuration(Assert.Single(clientDurations.GetMeasurementSnapshot()), "bidirectional", 200);
        AssertDuration(Assert.Single(await SnapshotAsync(serverDurations, 1)), "bidirectional", 200);

        static ActivitySpanId attemptSpanId(List<Activity> spans) => Assert.Single(spans, s => s.Kind == ActivityKind.Client).SpanId;
    }

    private void AssertDuration(CollectedMeasurement<double> measurement, string stream, int status)
    {
        Assert.Equal(
            ("go_micro", "Numbers", _service, stream, status),
            ((string?)measurement.Tags["rpc.system"], (string?)measurement.Tags["rpc.service"], (string?)measurement.Tags["micro.service"], (string?)measurement.Tags["micro.stream"], (int?)measurement.Tags["rpc.response.status_code"]));
        Assert.True(measurement.Value > 0);
    }

    private Task<WebApplication> StartNumbersAsync() => MicroTestHost.StartAsync(
        _service,
        app =>
        {
            app.MapMicroHandler("Numbers.Count", (CountRequest r) => Count(r.Count));
            app.MapMicroHandler("Numbers.Reject", async (IAsyncEnumerable<Number> numbers, CancellationToken ct) =>
            {
                await foreach (var n in numbers.WithCancellation(ct))
                {
                    throw MicroException.BadRequest(_service, $"{n.Value} is not welcome");
                }

                return new Number(0);
            });
            app.MapMicroHandler("Numbers.Echo", (IAsyncEnumerable<Number> numbers) => numbers);
            app.MapMicroHandler("Numbers.Next", (Number n) => new Number(n.Value + 1));
        },
        _registry);

    /// <summary>Registers a node that was started and stopped, so its address refuses connections.</summary>
    private async Task<MicroNode> RegisterStoppedNodeAsync()
    {
        using var own = new InMemoryRegistry();
        var app = await MicroTestHost.StartAsync(_service, a => a.MapMicroHandler("Numbers.Count", (CountRequest r) => Count(r.Count)), own);
        var service = Assert.Single(await own.GetServiceAsync(_service));
        await app.DisposeAsync();
        await _registry.RegisterAsync(service, TimeSpan.FromMinutes(1));
        return service.Nodes.Single();
    }

    private ServiceProvider CreateClient()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Micro:Client:RetryDelay"] = "00:00:00.010" }).Build());
        services.AddLogging();
        services.AddMicroCore().UseRegistry(_registry);
        return services.BuildServiceProvider();
    }

    private static MetricCollector<double> Durations(IServiceProvider services, string instrument)
        => new(services.GetRequiredService<IMeterFactory>(), MicroTelemetry.Name, instrument);

    private static async IAsyncEnumerable<Number> Count(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new Number(i);
        }
    }

    private static async IAsyncEnumerable<Number> Numbers(int count, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Number(i);
        }
    }

    /// <summary>The spans of this test's service; the server's may end after the client saw the stream's end.</summary>
    private async Task<List<Activity>> SpansAsync(int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var spans = _exported.Snapshot().Where(s => (string?)s.GetTagItem("micro.service") == _service).ToList();

            if (spans.Count >= count || DateTime.UtcNow > deadline)
            {
                return spans;
            }

            await Task.Delay(20);
        }
    }

    private static async Task<IReadOnlyList<CollectedMeasurement<double>>> SnapshotAsync(MetricCollector<double> collector, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (collector.GetMeasurementSnapshot().Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return collector.GetMeasurementSnapshot();
    }

    public sealed record CountRequest(int Count);

    public sealed record Number(int Value);

    /// <summary>Picks the stopped node while it is a candidate, so the first attempt fails and the retry goes elsewhere.</summary>
    private sealed class DeadFirst(string deadId) : IMicroNodeSelector
    {
        public int Select(string service, ReadOnlySpan<MicroNode> candidates)
        {
            for (var i = 0; i < candidates.Length; i++)
            {
                if (candidates[i].Id == deadId)
                {
                    return i;
                }
            }

            return 0;
        }
    }
}
