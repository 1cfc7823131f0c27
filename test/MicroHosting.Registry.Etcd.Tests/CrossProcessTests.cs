using System.Diagnostics;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;

namespace MicroHosting.Registry.Etcd.Tests;

/// <summary>A service in another process registers in etcd; this process watches it come and go.</summary>
[Collection(EtcdCollection.Name)]
public sealed class CrossProcessTests(EtcdFixture fixture)
{
    private EtcdServer Server => fixture.Server;

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task ServiceProcessKilled_WatchReportsNodeGoneAfterItsTtl()
    {
        var name = TestData.UniqueName("killed");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);
        await using var service = TestServiceProcess.Start(name, Server.ClientAddress, ttl: TimeSpan.FromSeconds(3), interval: TimeSpan.FromSeconds(1));

        var created = await watch.NextAsync(_ => true, seconds: 60);
        Assert.Equal(RegistryEventType.Create, created.Type);
        Assert.Equal("etcd", created.Service.Nodes[0].Metadata["registry"]);
        Assert.Single(await registry.GetServiceAsync(name));
        await Task.Delay(TimeSpan.FromSeconds(2)); // a few keep-alives: the lease outlives its first TTL while the process lives
        Assert.Single(await registry.GetServiceAsync(name));
        await service.KillAsync();
        var killedAt = Stopwatch.StartNew();

        var deleted = await watch.NextAsync(e => e.Type == RegistryEventType.Delete, seconds: 20);

        Assert.Equal(created.Service.Nodes[0].Id, deleted.Service.Nodes[0].Id);
        Assert.True(killedAt.Elapsed > TimeSpan.FromSeconds(1), $"the node vanished {killedAt.Elapsed} after the kill: only its lease expiry should remove it");
        Assert.Empty(await registry.GetServiceAsync(name));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task ServiceProcessTerminated_DeregistersAtOnce()
    {
        var name = TestData.UniqueName("stopped");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);
        await using var service = TestServiceProcess.Start(name, Server.ClientAddress, ttl: TimeSpan.FromSeconds(120), interval: TimeSpan.FromSeconds(30));
        var created = await watch.NextAsync(_ => true, seconds: 60);

        Assert.Equal(0, await service.TerminateAsync());

        var deleted = await watch.NextAsync(_ => true, seconds: 10); // far less than the 120 s TTL: deregistered, not expired
        Assert.Equal((RegistryEventType.Delete, created.Service.Nodes[0].Id), (deleted.Type, deleted.Service.Nodes[0].Id));
    }
}
