using dotnet_etcd;
using Etcdserverpb;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Registry.Etcd.Tests.Internal;

/// <summary>Tests that stop, restart or replace etcd: each starts its own server.</summary>
public sealed class EtcdRegistryOutageTests
{
    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_EtcdRestartsAndChangesHappenBeforeReconnect_ResumesWithoutLosingEvents()
    {
        await using var server = await EtcdServer.StartAsync();
        var name = TestData.UniqueName("resume");
        var time = new FakeTimeProvider(); // holds the watcher in its reconnect backoff until the test advances it
        await using var watching = TestData.Registry(server.ClientAddress, timeProvider: time);
        await using var writer = TestData.Registry(server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(watching, name);
        await writer.RegisterAsync(TestData.Service(name, $"{name}-1", tag: "a"), TimeSpan.FromSeconds(60));
        Assert.Equal(RegistryEventType.Create, (await watch.NextAsync(_ => true)).Type);

        await server.StopAsync();
        await server.StartAgainAsync();
        await RetryAsync(() => writer.RegisterAsync(TestData.Service(name, $"{name}-2"), TimeSpan.FromSeconds(60)));
        await RetryAsync(() => writer.RegisterAsync(TestData.Service(name, $"{name}-1", tag: "b"), TimeSpan.FromSeconds(60)));
        await RetryAsync(() => writer.DeregisterAsync(TestData.Service(name, $"{name}-1")));
        Assert.Empty(await watch.DrainAsync(TimeSpan.FromMilliseconds(300))); // still disconnected: these happened while it was away

        var events = await AdvanceUntilAsync(time, watch, count: 3);

        Assert.Equal(
            [(RegistryEventType.Create, $"{name}-2", "a"), (RegistryEventType.Update, $"{name}-1", "b"), (RegistryEventType.Delete, $"{name}-1", "b")],
            events.Select(e => (e.Type, e.Service.Nodes[0].Id, e.Service.Nodes[0].Metadata["tag"])));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_HistoryCompactedWhileAway_ReportsTheDifference()
    {
        await using var server = await EtcdServer.StartAsync();
        var name = TestData.UniqueName("compact");
        var time = new FakeTimeProvider();
        await using var watching = TestData.Registry(server.ClientAddress, timeProvider: time);
        await using var writer = TestData.Registry(server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(watching, name);
        await writer.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.Zero);
        await writer.RegisterAsync(TestData.Service(name, $"{name}-3"), TimeSpan.Zero);
        RegistryEvent[] before = [await watch.NextAsync(_ => true), await watch.NextAsync(_ => true)];
        Assert.Equal([(RegistryEventType.Create, $"{name}-1"), (RegistryEventType.Create, $"{name}-3")], before.Select(e => (e.Type, e.Service.Nodes[0].Id)));

        await server.StopAsync();
        await server.StartAgainAsync();
        await RetryAsync(() => writer.RegisterAsync(TestData.Service(name, $"{name}-2"), TimeSpan.Zero));
        await RetryAsync(() => writer.DeregisterAsync(TestData.Service(name, $"{name}-1")));
        await RetryAsync(() => writer.RegisterAsync(TestData.Service(name, $"{name}-3", tag: "b"), TimeSpan.Zero));
        using (var etcd = new EtcdClient($"http://{server.ClientAddress}"))
        {
            var revision = (await etcd.GetAsync("/")).Header.Revision;
            await etcd.CompactAsync(new CompactionRequest { Revision = revision, Physical = true });
        }

        var events = await AdvanceUntilAsync(time, watch, count: 3);

        Assert.Equal(
            [(RegistryEventType.Delete, $"{name}-1"), (RegistryEventType.Create, $"{name}-2"), (RegistryEventType.Update, $"{name}-3")],
            events.Select(e => (e.Type, e.Service.Nodes[0].Id)).OrderBy(e => e.Item2));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_EtcdReplacedByEmptyCluster_ReportsNodesGoneAndNewOnes()
    {
        await using var server = await EtcdServer.StartAsync();
        var name = TestData.UniqueName("rebuilt");
        var time = new FakeTimeProvider();
        await using var watching = TestData.Registry(server.ClientAddress, timeProvider: time);
        await using var writer = TestData.Registry(server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(watching, name);
        await writer.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.Zero);
        Assert.Equal(RegistryEventType.Create, (await watch.NextAsync(_ => true)).Type);

        await server.StartAgainAsync(wipeData: true);
        await using var freshWriter = TestData.Registry(server.ClientAddress);
        await RetryAsync(() => freshWriter.RegisterAsync(TestData.Service(name, $"{name}-2"), TimeSpan.Zero));

        var events = await AdvanceUntilAsync(time, watch, count: 2);

        Assert.Equal(
            [(RegistryEventType.Delete, $"{name}-1"), (RegistryEventType.Create, $"{name}-2")],
            events.Select(e => (e.Type, e.Service.Nodes[0].Id)).OrderBy(e => e.Item2));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_EtcdDownThenBack_FailsWhileDownThenKeepsTheLease()
    {
        await using var server = await EtcdServer.StartAsync();
        var name = TestData.UniqueName("outage");
        await using var registry = TestData.Registry(server.ClientAddress);
        var service = TestData.Service(name, $"{name}-1");
        await registry.RegisterAsync(service, TimeSpan.FromSeconds(60));
        using var etcd = new EtcdClient($"http://{server.ClientAddress}");
        var lease = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single().Lease;

        await server.StopAsync();
        var refresh = await Assert.ThrowsAsync<MicroException>(() => registry.RegisterAsync(service, TimeSpan.FromSeconds(60)));
        var lookup = await Assert.ThrowsAsync<MicroException>(() => registry.GetServiceAsync(name));
        Assert.Equal(500, lookup.Code);
        Assert.StartsWith($"etcd registry (http://{server.ClientAddress}): reading service {name} failed:", lookup.Detail, StringComparison.Ordinal);
        Assert.Contains("renewing the lease failed", refresh.Detail, StringComparison.Ordinal);

        await server.StartAgainAsync();
        await RetryAsync(() => registry.RegisterAsync(service, TimeSpan.FromSeconds(60)));

        Assert.Equal(lease, (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single().Lease);
        Assert.Single(await registry.GetServiceAsync(name));
    }

    [Fact]
    public async Task GetServiceAsync_NothingListening_ThrowsMicroExceptionQuickly()
    {
        await using var registry = TestData.Registry($"127.0.0.1:{ExternalServer.FreeTcpPort()}", o => o.OperationTimeout = TimeSpan.FromSeconds(60));
        var started = System.Diagnostics.Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<MicroException>(() => registry.GetServiceAsync("greeter"));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(20), $"a refused connection should fail fast, not wait for the 60 s timeout, but took {started.Elapsed}");

        Assert.Equal("go.micro.registry", error.Id);
        Assert.Contains("reading service greeter failed", error.Detail, StringComparison.Ordinal);
    }

    internal static async Task RetryAsync(Func<Task> operation)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                await operation();
                return;
            }
            catch (MicroException) when (!timeout.IsCancellationRequested)
            {
                await Task.Delay(200, CancellationToken.None);
            }
        }
    }

    private static async Task<IReadOnlyList<RegistryEvent>> AdvanceUntilAsync(FakeTimeProvider time, WatchReader watch, int count)
    {
        var events = new List<RegistryEvent>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (events.Count < count && !timeout.IsCancellationRequested)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            events.AddRange(await watch.DrainAsync(TimeSpan.FromMilliseconds(300)));
        }

        return events;
    }
}
