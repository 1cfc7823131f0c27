using System.Text.Json;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;

namespace MicroHosting.Registry.Etcd.Tests.Internal;

[Collection(EtcdCollection.Name)]
public sealed class EtcdRegistryTests(EtcdFixture fixture)
{
    private EtcdServer Server => fixture.Server;

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_Node_WritesGoMicroKeyAndValueUnderLease()
    {
        var name = TestData.UniqueName("greeter");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1", port: 9001), TimeSpan.FromSeconds(30));

        using var etcd = RawClient();
        var kv = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single();
        using var json = JsonDocument.Parse(kv.Value.ToByteArray());
        var root = json.RootElement;
        Assert.Equal(name, root.GetProperty("name").GetString());
        Assert.Equal("latest", root.GetProperty("version").GetString());
        Assert.Equal("Greeter.Hello", root.GetProperty("endpoints")[0].GetProperty("name").GetString());
        var node = Assert.Single(root.GetProperty("nodes").EnumerateArray());
        Assert.Equal($"{name}-1", node.GetProperty("id").GetString());
        Assert.Equal("127.0.0.1:9001", node.GetProperty("address").GetString());
        Assert.False(node.TryGetProperty("port", out _));
        Assert.Equal("mucp", node.GetProperty("metadata").GetProperty("protocol").GetString());

        Assert.NotEqual(0, kv.Lease);
        var lease = await etcd.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = kv.Lease });
        Assert.Equal(30, lease.GrantedTTL);
        Assert.InRange(lease.TTL, 1, 30);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_ZeroTtl_WritesWithoutLease()
    {
        var name = TestData.UniqueName("forever");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.Zero);

        using var etcd = RawClient();
        Assert.Equal(0, (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single().Lease);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_SlashInNames_BecomesDash()
    {
        await using var registry = TestData.Registry(Server.ClientAddress);
        var name = TestData.UniqueName("a/b");
        await registry.RegisterAsync(TestData.Service(name, "node/1"), TimeSpan.Zero);

        using var etcd = RawClient();
        Assert.Single((await etcd.GetAsync($"/micro/registry/{name.Replace('/', '-')}/node-1")).Kvs);
        Assert.Equal("node/1", Assert.Single(Assert.Single(await registry.GetServiceAsync(name)).Nodes).Id);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_RefreshUnchanged_RenewsLeaseWithoutRewritingKey()
    {
        var name = TestData.UniqueName("refresh");
        await using var registry = TestData.Registry(Server.ClientAddress);
        var service = TestData.Service(name, $"{name}-1");
        await registry.RegisterAsync(service, TimeSpan.FromSeconds(60));
        using var etcd = RawClient();
        var before = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single();

        // Waits until the lease has visibly run down (no fixed delay), then refreshes.
        long remaining = 0;
        Assert.True(await Eventually.TrueAsync(
            async () => (remaining = (await etcd.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = before.Lease })).TTL) <= 57,
            TimeSpan.FromSeconds(30)));
        await registry.RegisterAsync(service, TimeSpan.FromSeconds(60));

        var after = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single();
        Assert.Equal(before.ModRevision, after.ModRevision);
        Assert.Equal(before.Lease, after.Lease);
        var lease = await etcd.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = after.Lease });
        Assert.True(lease.TTL > remaining, $"the keep-alive should have renewed the lease (from {remaining} s back to ~60 s), but {lease.TTL} s remain");
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_ChangedDescription_RewritesKeyUnderSameLease()
    {
        var name = TestData.UniqueName("changed");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1", tag: "a"), TimeSpan.FromSeconds(10));
        using var etcd = RawClient();
        var before = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single();

        await registry.RegisterAsync(TestData.Service(name, $"{name}-1", tag: "b"), TimeSpan.FromSeconds(10));

        var after = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single();
        Assert.True(after.ModRevision > before.ModRevision);
        Assert.Equal(before.Lease, after.Lease);
        Assert.Equal("b", Assert.Single(Assert.Single(await registry.GetServiceAsync(name)).Nodes).Metadata["tag"]);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_LeaseGone_RegistersAgainUnderNewLease()
    {
        var name = TestData.UniqueName("relet");
        await using var registry = TestData.Registry(Server.ClientAddress);
        var service = TestData.Service(name, $"{name}-1");
        await registry.RegisterAsync(service, TimeSpan.FromSeconds(30));
        using var etcd = RawClient();
        var lease = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single().Lease;
        await etcd.LeaseRevokeAsync(new LeaseRevokeRequest { ID = lease }); // as if it had expired
        Assert.Empty(await registry.GetServiceAsync(name));

        await registry.RegisterAsync(service, TimeSpan.FromSeconds(30));

        var kv = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single();
        Assert.NotEqual(lease, kv.Lease);
        Assert.Single(await registry.GetServiceAsync(name));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task RegisterAsync_NotRefreshed_KeyExpiresAfterTtl()
    {
        var name = TestData.UniqueName("expire");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.FromSeconds(2));

        // It was there: the watch saw it created (a lookup now could come after the 2 s on a loaded machine).
        var created = await watch.NextAsync(_ => true);
        Assert.Equal((RegistryEventType.Create, $"{name}-1"), (created.Type, created.Service.Nodes[0].Id));

        var gone = await Eventually.TrueAsync(async () => (await registry.GetServiceAsync(name)).Count == 0, TimeSpan.FromSeconds(15));

        Assert.True(gone, "the node should disappear once its 2 s lease expires");
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task DeregisterAsync_Registered_DeletesKeyAndRevokesLease()
    {
        var name = TestData.UniqueName("bye");
        await using var registry = TestData.Registry(Server.ClientAddress);
        var service = TestData.Service(name, $"{name}-1");
        await registry.RegisterAsync(service, TimeSpan.FromSeconds(30));
        using var etcd = RawClient();
        var lease = (await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs.Single().Lease;

        await registry.DeregisterAsync(service);

        Assert.Empty((await etcd.GetAsync($"/micro/registry/{name}/{name}-1")).Kvs);
        Assert.Equal(-1, (await etcd.LeaseTimeToLiveAsync(new LeaseTimeToLiveRequest { ID = lease })).TTL);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task GetServiceAsync_NodesOfTwoVersions_GroupsThemByVersion()
    {
        var name = TestData.UniqueName("versions");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1", 9001, "1.0"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(name, $"{name}-2", 9002, "1.0"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(name, $"{name}-3", 9003, "2.0"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(name + "x", $"{name}x-1"), TimeSpan.FromSeconds(30));

        var services = await registry.GetServiceAsync(name);

        Assert.Equal(["1.0", "2.0"], services.Select(s => s.Version).Order());
        var v1 = services.Single(s => s.Version == "1.0");
        Assert.Equal([9001, 9002], v1.Nodes.Select(n => n.Port).Order());
        Assert.Equal("tests", v1.Metadata["owner"]);
        Assert.Equal("string", v1.Endpoints[0].Request!.Values![0].Type);
        Assert.Equal(9003, Assert.Single(services.Single(s => s.Version == "2.0").Nodes).Port);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task GetServiceAsync_UnknownService_ReturnsEmpty()
    {
        await using var registry = TestData.Registry(Server.ClientAddress);

        Assert.Empty(await registry.GetServiceAsync(TestData.UniqueName("nobody")));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task GetServiceAsync_GoMicroV1AndV2Values_ReadsBothNodeForms()
    {
        var name = TestData.UniqueName("gomicro");
        using var etcd = RawClient();
        await etcd.PutAsync($"/micro/registry/{name}/{name}-a-v2",
            $$$"""{"name":"{{{name}}}","version":"latest","metadata":null,"endpoints":[{"name":"Greeter.Hello","request":{"name":"Request","type":"Request","values":null},"response":null,"metadata":null}],"nodes":[{"id":"{{{name}}}-a-v2","address":"10.0.0.5:8080","metadata":{"protocol":"mucp"}}]}""");
        await etcd.PutAsync($"/micro/registry/{name}/{name}-v1",
            $$$"""{"name":"{{{name}}}","version":"latest","nodes":[{"id":"{{{name}}}-v1","address":"10.0.0.6","port":9090,"metadata":null}]}""");
        await etcd.PutAsync($"/micro/registry/{name}/{name}-v6",
            $$$"""{"name":"{{{name}}}","version":"latest","nodes":[{"id":"{{{name}}}-v6","address":"[fd00::1]:7070"}]}""");
        await using var registry = TestData.Registry(Server.ClientAddress);

        var service = Assert.Single(await registry.GetServiceAsync(name));

        var nodes = service.Nodes.ToDictionary(n => n.Id);
        Assert.Equal(("10.0.0.5", 8080), (nodes[$"{name}-a-v2"].Address, nodes[$"{name}-a-v2"].Port));
        Assert.Equal(("10.0.0.6", 9090), (nodes[$"{name}-v1"].Address, nodes[$"{name}-v1"].Port));
        Assert.Equal(("fd00::1", 7070), (nodes[$"{name}-v6"].Address, nodes[$"{name}-v6"].Port));
        Assert.Empty(nodes[$"{name}-v1"].Metadata);
        Assert.Empty(service.Metadata);
        Assert.Empty(service.Endpoints[0].Metadata); // the description comes from the first key: {name}-a-v2
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task GetServiceAsync_UndecodableValues_SkipsThemAndReturnsTheRest()
    {
        var name = TestData.UniqueName("garbage");
        using var etcd = RawClient();
        await etcd.PutAsync($"/micro/registry/{name}/junk", "not json {");
        await etcd.PutAsync($"/micro/registry/{name}/nonode", $$"""{"name":"{{name}}","nodes":[]}""");
        await etcd.PutAsync($"/micro/registry/{name}/noport", $$"""{"name":"{{name}}","nodes":[{"id":"x","address":"10.0.0.1"}]}""");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.FromSeconds(30));

        var service = Assert.Single(await registry.GetServiceAsync(name));

        Assert.Equal($"{name}-1", Assert.Single(service.Nodes).Id);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task ListServicesAsync_Registered_ListsEachNameAndVersion()
    {
        var first = TestData.UniqueName("list-a");
        var second = TestData.UniqueName("list-b");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(first, $"{first}-1", version: "1"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(first, $"{first}-2", version: "2"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(second, $"{second}-1"), TimeSpan.FromSeconds(30));

        var listed = (await registry.ListServicesAsync()).Where(s => s.Name == first || s.Name == second).Select(s => $"{s.Name}:{s.Version}").Order();

        Assert.Equal([$"{first}:1", $"{first}:2", $"{second}:latest"], listed);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task CustomPrefix_RegisterAndGet_UseThatPrefixOnly()
    {
        var name = TestData.UniqueName("prefixed");
        await using var registry = TestData.Registry(Server.ClientAddress, o => o.Prefix = "/custom/reg");
        await using var standard = TestData.Registry(Server.ClientAddress);
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.FromSeconds(30));

        using var etcd = RawClient();
        Assert.Single((await etcd.GetAsync($"/custom/reg/{name}/{name}-1")).Kvs);
        Assert.Single(await registry.GetServiceAsync(name));
        Assert.Empty(await standard.GetServiceAsync(name));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_RegisterChangeDeregister_ReportsCreateUpdateDelete()
    {
        var name = TestData.UniqueName("watched");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);

        await registry.RegisterAsync(TestData.Service(name, $"{name}-1", tag: "a"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1", tag: "b"), TimeSpan.FromSeconds(30));
        await registry.DeregisterAsync(TestData.Service(name, $"{name}-1"));

        var created = await watch.NextAsync(_ => true);
        var updated = await watch.NextAsync(_ => true);
        var deleted = await watch.NextAsync(_ => true);
        Assert.Equal((RegistryEventType.Create, "a"), (created.Type, created.Service.Nodes[0].Metadata["tag"]));
        Assert.Equal((RegistryEventType.Update, "b"), (updated.Type, updated.Service.Nodes[0].Metadata["tag"]));
        Assert.Equal((RegistryEventType.Delete, $"{name}-1"), (deleted.Type, deleted.Service.Nodes[0].Id));
        Assert.Equal(8080, deleted.Service.Nodes[0].Port); // a delete carries the node as it was
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_LeaseExpires_ReportsDelete()
    {
        var name = TestData.UniqueName("lapsed");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);

        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.FromSeconds(2));

        Assert.Equal(RegistryEventType.Create, (await watch.NextAsync(_ => true)).Type);
        var deleted = await watch.NextAsync(_ => true, seconds: 15);
        Assert.Equal((RegistryEventType.Delete, $"{name}-1"), (deleted.Type, deleted.Service.Nodes[0].Id));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_ServiceFilter_ReportsOnlyThatService()
    {
        var name = TestData.UniqueName("only");
        var other = name + "-other";
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);

        await registry.RegisterAsync(TestData.Service(other, $"{other}-1"), TimeSpan.FromSeconds(30));
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.FromSeconds(30));

        var first = await watch.NextAsync(_ => true);
        Assert.Equal(name, first.Service.Name);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task WatchAsync_UndecodableValue_SkipsItAndKeepsWatching()
    {
        var name = TestData.UniqueName("badwatch");
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var watch = await WatchReader.StartAsync(registry, name);
        using var etcd = RawClient();

        await etcd.PutAsync($"/micro/registry/{name}/junk", "\u0001\u0002 not json");
        await registry.RegisterAsync(TestData.Service(name, $"{name}-1"), TimeSpan.FromSeconds(30));

        var next = await watch.NextAsync(_ => true);
        Assert.Equal((RegistryEventType.Create, $"{name}-1"), (next.Type, next.Service.Nodes[0].Id));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task PingAsync_EtcdServing_Succeeds()
    {
        await using var registry = TestData.Registry(Server.ClientAddress);
        await using var nothingThere = TestData.Registry($"127.0.0.1:{ExternalServer.FreeTcpPort()}");

        Assert.Null(await Record.ExceptionAsync(() => registry.PingAsync(CancellationToken.None)));

        // The control: the same ping where no etcd listens fails, saying what it tried.
        var down = await Assert.ThrowsAsync<MicroException>(() => nothingThere.PingAsync(CancellationToken.None));
        Assert.Contains("reading the registry prefix", down.Detail, StringComparison.Ordinal);
    }

    private EtcdClient RawClient() => new($"http://{Server.ClientAddress}");
}
