using MicroHosting.Registry;
using MicroHosting.TestUtilities;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>Two or more registries on loopback, each with its own sockets on UDP 5353, in a domain of their own.</summary>
[Collection(MdnsCollection.Name)]
public sealed class MdnsRegistryTests
{
    [Fact]
    public async Task GetServiceAsync_NodeRegisteredElsewhere_FindsIt()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain);
        await using var client = MdnsTestSupport.Create(domain);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.FromSeconds(90));

        var services = await client.GetServiceAsync("greeter");

        var service = Assert.Single(services);
        Assert.Equal("1.0.0", service.Version);
        Assert.Equal("Greeter.Hello", Assert.Single(service.Endpoints).Name);
        var node = Assert.Single(service.Nodes);
        Assert.Equal(("greeter-1", "127.0.0.1", 8081), (node.Id, node.Address, node.Port));
        Assert.Equal("mucp", node.Metadata["protocol"]);
    }

    [Fact]
    public async Task GetServiceAsync_TwoVersions_GroupsNodesByVersion()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var a = MdnsTestSupport.Create(domain, probe: false);
        await using var b = MdnsTestSupport.Create(domain, probe: false);
        await using var client = MdnsTestSupport.Create(domain);
        await a.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-a", 8081, "1.0.0"), TimeSpan.Zero);
        await b.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-b", 8082, "2.0.0"), TimeSpan.Zero);
        await b.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-c", 8083, "2.0.0"), TimeSpan.Zero);

        var services = await MdnsTestSupport.EventuallyAsync(() => client.GetServiceAsync("greeter"), s => s.Sum(x => x.Nodes.Count) == 3);

        Assert.Equal(["1.0.0", "2.0.0"], services.Select(s => s.Version).Order());
        Assert.Equal(2, services.Single(s => s.Version == "2.0.0").Nodes.Count);
    }

    [Fact]
    public async Task GetServiceAsync_OtherDomain_IsNotSeen()
    {
        await using var server = MdnsTestSupport.Create(MdnsTestSupport.NewDomain(), probe: false);
        await using var client = MdnsTestSupport.Create(MdnsTestSupport.NewDomain());
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);

        Assert.Empty(await client.GetServiceAsync("greeter"));
    }

    [Fact]
    public async Task WatchAsync_RegisterAndDeregister_CreateThenDeleteWithinSeconds()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var watcher = MdnsTestSupport.Create(domain);
        await using var server = MdnsTestSupport.Create(domain);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = watcher.WatchAsync("greeter", cts.Token).GetAsyncEnumerator(cts.Token);
        var first = events.MoveNextAsync(); // subscribes
        Assert.True(await Poll.UntilAsync(() => watcher.Engine.IsStarted && watcher.Engine.Watchers.HasWatchers, TimeSpan.FromSeconds(30)));
        var service = MdnsTestSupport.Service("greeter", "greeter-w", 8084);
        var started = DateTime.UtcNow;

        await server.RegisterAsync(service, TimeSpan.Zero);
        Assert.True(await first);
        var created = events.Current;
        var visibleAfter = DateTime.UtcNow - started;
        await server.DeregisterAsync(service);
        var deleted = await MdnsTestSupport.NextAsync(events, e => e.Type == RegistryEventType.Delete, seconds: 30);

        Assert.Equal(RegistryEventType.Create, created.Type);
        Assert.Equal("greeter-w", created.Service.Nodes[0].Id);
        Assert.Equal("greeter-w", deleted.Service.Nodes[0].Id);
        // Seconds, generously: far below the records' 120 s TTL, so the create came from the announcement.
        Assert.True(visibleAfter < TimeSpan.FromSeconds(20), $"visible after {visibleAfter}");
    }

    [Fact]
    public async Task DisposeAsync_RegisteredNode_SaysGoodbye()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var watcher = MdnsTestSupport.Create(domain);
        var server = MdnsTestSupport.Create(domain, probe: false);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-g", 8085), TimeSpan.Zero);
        Assert.Single(await MdnsTestSupport.EventuallyAsync(() => watcher.GetServiceAsync("greeter"), s => s.Count == 1));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var events = watcher.WatchAsync("greeter", cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync();
        Assert.True(await Poll.UntilAsync(() => watcher.Engine.Watchers.HasWatchers, TimeSpan.FromSeconds(30))); // subscribed: the goodbye cannot pass unseen

        await server.DisposeAsync();

        Assert.True(await next.AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(RegistryEventType.Delete, events.Current.Type);
        Assert.Empty(await watcher.GetServiceAsync("greeter"));
    }

    [Fact]
    public async Task ListServicesAsync_RegisteredServices_AreListed()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        await using var client = MdnsTestSupport.Create(domain);
        await server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081), TimeSpan.Zero);
        await server.RegisterAsync(MdnsTestSupport.Service("go.micro.srv.users", "go.micro.srv.users-1", 8082), TimeSpan.Zero);

        var services = await MdnsTestSupport.EventuallyAsync(() => client.ListServicesAsync(), s => s.Count == 2);

        Assert.Equal(["go.micro.srv.users", "greeter"], services.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RegisterAsync_SameNodeIdElsewhere_FailsWithConflict()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var first = MdnsTestSupport.Create(domain);
        await using var second = MdnsTestSupport.Create(domain);
        await first.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-dup", 8081), TimeSpan.Zero);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => second.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-dup", 9091), TimeSpan.Zero));

        Assert.Contains("mDNS name conflict for node 'greeter-dup'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(8081, Assert.Single(Assert.Single(await second.GetServiceAsync("greeter")).Nodes).Port);
    }

    [Fact]
    public async Task RegisterAsync_Refresh_SendsNothingNew()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var server = MdnsTestSupport.Create(domain, probe: false);
        var service = MdnsTestSupport.Service("greeter", "greeter-r", 8081);
        await server.RegisterAsync(service, TimeSpan.Zero);
        var sent = server.Engine.Statistics.PacketsSent;

        await server.RegisterAsync(service, TimeSpan.Zero);

        Assert.Equal(sent, server.Engine.Statistics.PacketsSent);
    }

    [Fact]
    public async Task RegisterAsync_HostNameAddress_ThrowsWithHint()
    {
        await using var server = MdnsTestSupport.Create(MdnsTestSupport.NewDomain());

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => server.RegisterAsync(MdnsTestSupport.Service("greeter", "greeter-1", 8081, address: "example.org"), TimeSpan.Zero));

        Assert.Equal("mDNS registers IP addresses only, but node 'greeter-1' has address 'example.org'. Set MICRO_SERVER_ADVERTISE to this machine's IP and port.", ex.Message);
    }
}
