using System.Diagnostics.Metrics;
using MicroHosting.Client;
using MicroHosting.Diagnostics;
using MicroHosting.Registry;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace MicroHosting.Tests.Diagnostics;

/// <summary>The client's and the server's instruments, collected from real Kestrel nodes while one of them fails.</summary>
public sealed class MicroMetricsTests : IDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly InMemoryRegistry _registry = new();
    private readonly string _service = "metrics-" + Guid.NewGuid().ToString("N")[..8];

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task ClientCalls_NodeFailsWithServerErrors_RetriesEjectionAndDurationsAreRecordedWithTags()
    {
        // Idempotent: a 500 is retried on another node only for an endpoint that may run twice.
        await using var failing = await TestClient.StartGreeterAsync(
            _registry, name: _service, idempotent: true, handler: (_, _, _) => throw MicroException.InternalServerError(_service, "boom"));
        await using var healthy = await TestClient.StartGreeterAsync(_registry, name: _service, idempotent: true);
        await using var services = TestClient.Create(_registry, new()
        {
            ["Micro:Client:Selector"] = "roundrobin",
            ["Micro:Client:EjectionThreshold"] = "2",
            ["Micro:Client:RetryDelay"] = "00:00:00.010",
        });
        var meters = services.GetRequiredService<IMeterFactory>();
        using var retries = new MetricCollector<long>(meters, MicroTelemetry.Name, "microhosting.client.retries");
        using var ejections = new MetricCollector<long>(meters, MicroTelemetry.Name, "microhosting.client.ejections");
        using var clientDurations = new MetricCollector<double>(meters, MicroTelemetry.Name, "rpc.client.call.duration");
        using var failedDurations = ServerDurations(failing);
        using var servedDurations = ServerDurations(healthy);
        var client = services.GetRequiredService<IMicroClient>();

        // Round robin sends every other call to the failing node first, until its second 500 in a row ejects it.
        var replies = new List<MicroResponse<HelloReply>>();
        for (var i = 0; i < 6; i++)
        {
            replies.Add(await client.HelloAsync(service: _service));
        }

        Assert.All(replies, r => Assert.Equal(TestClient.NodeId(healthy), r.Node.Id));
        Assert.Equal(2, replies.Sum(r => r.Attempts - 1));

        var retried = retries.GetMeasurementSnapshot();
        Assert.Equal(2, retried.Sum(m => m.Value));
        Assert.All(retried, m => Assert.Equal(
            ("go_micro", "Greeter", "Hello", _service),
            ((string?)m.Tags["rpc.system"], (string?)m.Tags["rpc.service"], (string?)m.Tags["rpc.method"], (string?)m.Tags["micro.service"])));

        var ejected = Assert.Single(ejections.GetMeasurementSnapshot());
        Assert.Equal(1, ejected.Value);
        Assert.Equal(failing.BaseAddress().Authority, (string?)ejected.Tags["server.address"]);

        // The client's duration covers the whole call, retries included: every call ended with the healthy node's 200.
        var calls = clientDurations.GetMeasurementSnapshot();
        Assert.Equal(6, calls.Count);
        Assert.All(calls, m =>
        {
            Assert.Equal(("Greeter", "Hello", _service, 200), ((string?)m.Tags["rpc.service"], (string?)m.Tags["rpc.method"], (string?)m.Tags["micro.service"], (int?)m.Tags["rpc.response.status_code"]));
            Assert.False(m.Tags.ContainsKey("error.type"));
            Assert.True(m.Value > 0);
        });

        // Each node's server duration carries the status it answered with.
        var failed = await SnapshotAsync(failedDurations, 2);
        var served = await SnapshotAsync(servedDurations, 6);
        Assert.Equal([500, 500], failed.Select(m => (int?)m.Tags["rpc.response.status_code"]));
        Assert.Equal(Enumerable.Repeat<int?>(200, 6), served.Select(m => (int?)m.Tags["rpc.response.status_code"]));
        Assert.All(failed.Concat(served), m => Assert.Equal(
            ("go_micro", "Greeter", "Hello", _service),
            ((string?)m.Tags["rpc.system"], (string?)m.Tags["rpc.service"], (string?)m.Tags["rpc.method"], (string?)m.Tags["micro.service"])));
    }

    [Fact]
    public async Task ClientCalls_NodeStopped_TransportFailureRetriedAndNodeEjectedAtOnce()
    {
        await using var healthy = await TestClient.StartGreeterAsync(_registry, name: _service);
        var stopped = await TestClient.StartGreeterAsync(new NoDeregisterRegistry(_registry), name: _service);
        var stoppedAddress = stopped.BaseAddress().Authority;
        await stopped.DisposeAsync(); // stays registered, like a crashed process
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin", ["Micro:Client:RetryDelay"] = "00:00:00.010" });
        var meters = services.GetRequiredService<IMeterFactory>();
        using var retries = new MetricCollector<long>(meters, MicroTelemetry.Name, "microhosting.client.retries");
        using var ejections = new MetricCollector<long>(meters, MicroTelemetry.Name, "microhosting.client.ejections");
        using var clientDurations = new MetricCollector<double>(meters, MicroTelemetry.Name, "rpc.client.call.duration");
        var client = services.GetRequiredService<IMicroClient>();

        // Round robin tries the stopped node within two calls; its first transport failure ejects it, so it is tried once.
        var attempts = 0;
        for (var i = 0; i < 6; i++)
        {
            attempts += (await client.HelloAsync(service: _service)).Attempts;
        }

        Assert.Equal(7, attempts);
        var retried = Assert.Single(retries.GetMeasurementSnapshot());
        Assert.Equal((1L, "Greeter", "Hello", _service), (retried.Value, (string?)retried.Tags["rpc.service"], (string?)retried.Tags["rpc.method"], (string?)retried.Tags["micro.service"]));
        var ejected = Assert.Single(ejections.GetMeasurementSnapshot());
        Assert.Equal(stoppedAddress, (string?)ejected.Tags["server.address"]);
        var calls = clientDurations.GetMeasurementSnapshot();
        Assert.Equal(6, calls.Count);
        Assert.All(calls, m => Assert.Equal(200, (int?)m.Tags["rpc.response.status_code"]));
    }

    private MetricCollector<double> ServerDurations(WebApplication app)
        => new(app.Services.GetRequiredService<IMeterFactory>(), MicroTelemetry.Name, "rpc.server.call.duration");

    /// <summary>The server records its duration after the reply is written, so the client may see the reply first.</summary>
    private static async Task<IReadOnlyList<CollectedMeasurement<double>>> SnapshotAsync(MetricCollector<double> collector, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (collector.GetMeasurementSnapshot().Count < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        return collector.GetMeasurementSnapshot();
    }
}
