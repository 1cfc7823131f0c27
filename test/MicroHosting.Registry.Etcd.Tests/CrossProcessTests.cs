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
        // A 6 s lease renewed every second: the child may stall for 5 s on a loaded machine without losing it.
        var ttl = TimeSpan.FromSeconds(6);
        await using var service = TestServiceProcess.Start(name, Server.ClientAddress, ttl: ttl, interval: TimeSpan.FromSeconds(1));

        var created = await watch.NextAsync(_ => true, seconds: 60);
        var registeredFor = Stopwatch.StartNew(); // the lease was granted before this
        Assert.Equal(RegistryEventType.Create, created.Type);
        Assert.Equal("etcd", created.Service.Nodes[0].Metadata["registry"]);

        // Keep-alives: the node is still there after more than one TTL while the process lives, checked all along.
        while (registeredFor.Elapsed <= ttl + TimeSpan.FromSeconds(1))
        {
            Assert.Single(await registry.GetServiceAsync(name));
            await Task.Delay(250);
        }

        await service.KillAsync();

        // A killed process cannot deregister: the node is still there after the kill, and goes only when its lease expires.
        Assert.Single(await registry.GetServiceAsync(name));
        var deleted = await watch.NextAsync(e => e.Type == RegistryEventType.Delete, seconds: 60);

        Assert.Equal(created.Service.Nodes[0].Id, deleted.Service.Nodes[0].Id);
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

        var exitCode = await service.TerminateAsync();
        Assert.True(exitCode == 0, $"exit code {exitCode}:{Environment.NewLine}{service.Output}");

        var deleted = await watch.NextAsync(_ => true, seconds: 30); // far less than the 120 s TTL: deregistered, not expired
        Assert.Equal((RegistryEventType.Delete, created.Service.Nodes[0].Id), (deleted.Type, deleted.Service.Nodes[0].Id));
    }
}
