using MicroHosting.Broker;
using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>Discovery and load balancing across three real greeter nodes on loopback.</summary>
public sealed class MicroClientTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private readonly List<WebApplication> _nodes = [];

    public async Task InitializeAsync()
    {
        _nodes.Add(await TestClient.StartGreeterAsync(_registry, "v1", new Dictionary<string, string> { ["zone"] = "a" }));
        _nodes.Add(await TestClient.StartGreeterAsync(_registry, "v1", new Dictionary<string, string> { ["zone"] = "b" }));
        _nodes.Add(await TestClient.StartGreeterAsync(_registry, "v2", new Dictionary<string, string> { ["zone"] = "b" }));
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }

        _registry.Dispose();
    }

    [Fact]
    public async Task CallAsync_ServiceByName_ReturnsTheReply()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Hello", new HelloRequest("John"));

        Assert.StartsWith("Hello John from greeter-", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_RandomSelector_SpreadsCallsOverEveryNode()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var served = await CountServedAsync(client, 60);

        // 60 random picks miss one of three nodes with probability 3 * (2/3)^60, about 1e-10.
        Assert.Equal(NodeIds(), served.Keys.Order());
    }

    [Fact]
    public async Task SendAsync_RoundRobinSelector_ServesEachNodeInTurn()
    {
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin" });
        var client = services.GetRequiredService<IMicroClient>();

        var served = await CountServedAsync(client, 30);

        Assert.Equal(NodeIds(), served.Keys.Order());
        Assert.All(served.Values, count => Assert.Equal(10, count));
    }

    [Fact]
    public async Task SendAsync_VersionFilter_OnlyThatVersionServes()
    {
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin" });
        var client = services.GetRequiredService<IMicroClient>();

        var served = await CountServedAsync(client, 10, new MicroCallOptions { Filter = MicroNodeFilters.Version("v1") });

        Assert.Equal(new[] { TestClient.NodeId(_nodes[0]), TestClient.NodeId(_nodes[1]) }.Order(), served.Keys.Order());
    }

    [Fact]
    public async Task SendAsync_LabelAndVersionFilters_OnlyMatchingNodeServes()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        var filter = MicroNodeFilters.All(MicroNodeFilters.Label("zone", "b"), MicroNodeFilters.Version("v1"));

        var served = await CountServedAsync(client, 10, new MicroCallOptions { Filter = filter });

        Assert.Equal([TestClient.NodeId(_nodes[1])], served.Keys);
    }

    [Fact]
    public async Task SendAsync_EndpointFilter_KeepsNodesListingTheEndpoint()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var served = await CountServedAsync(client, 20, new MicroCallOptions { Filter = MicroNodeFilters.Endpoint("Greeter.Hello") });
        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => client.HelloAsync(options: new() { Filter = MicroNodeFilters.Endpoint("Greeter.Bye") }));

        Assert.Equal(20, served.Values.Sum());
        Assert.Equal("service greeter: not found (3 node(s) registered, none matches the call's filter)", error.Detail);
    }

    [Fact]
    public async Task SendAsync_CustomSelector_ByNameOrPerCall_PicksTheNode()
    {
        await using var services = TestClient.Create(
            _registry,
            new() { ["MICRO_SELECTOR"] = "last" },
            s => s.AddKeyedSingleton<IMicroNodeSelector>("last", new LastSelector()));
        var client = services.GetRequiredService<IMicroClient>();
        var registered = (await _registry.GetServiceAsync("greeter")).SelectMany(s => s.Nodes).Select(n => n.Id).ToList();

        var byName = await CountServedAsync(client, 5);
        var perCall = await CountServedAsync(client, 5, new MicroCallOptions { Selector = new FirstSelector() });

        Assert.Equal([registered[^1]], byName.Keys);
        Assert.Equal([registered[0]], perCall.Keys);
    }

    [Fact]
    public async Task SendAsync_UnknownService_ThrowsNodeNotFound()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => client.HelloAsync(service: "nobody"));

        Assert.Equal(MicroClientErrors.Id, error.Id);
        Assert.Equal(500, error.Code);
        Assert.Equal("service nobody: not found (no node is registered in the memory registry)", error.Detail);
        Assert.Equal("nobody", error.Service);
    }

    [Fact]
    public async Task SendAsync_NodeRegisteredAfterFirstCall_IsUsedWithoutWaitingForTheCacheTtl()
    {
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin" });
        var client = services.GetRequiredService<IMicroClient>();
        await CountServedAsync(client, 3);

        await using var late = await TestClient.StartGreeterAsync(_registry, "v3");

        // The watch event arrives asynchronously; the cache TTL (1 minute) is far beyond this loop's 10 seconds.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        var servedByLate = false;
        while (!servedByLate && DateTime.UtcNow < deadline)
        {
            servedByLate = (await client.HelloAsync()).Node.Id == TestClient.NodeId(late);
            await Task.Delay(10);
        }

        Assert.True(servedByLate);
    }

    [Fact]
    public async Task SendAsync_FixedAddress_CallsThatNodeWithoutTheRegistry()
    {
        await using var services = TestClient.Create(new InMemoryRegistry());
        var client = services.GetRequiredService<IMicroClient>();
        var address = $"127.0.0.1:{_nodes[2].Urls.Select(u => new Uri(u).Port).First()}";

        var reply = await client.HelloAsync(options: new MicroCallOptions { Address = address });

        Assert.Equal($"Hello John from {TestClient.NodeId(_nodes[2])}", reply.Value.Message);
        Assert.Equal(address, reply.Node.Id);
    }

    [Fact]
    public async Task PublishAsync_DelegatesToTheBroker()
    {
        var broker = new InMemoryBroker();
        var received = new TaskCompletionSource<BrokerMessage>();
        await broker.SubscribeAsync("greetings", (topic, message, _) =>
        {
            received.TrySetResult(message);
            return ValueTask.CompletedTask;
        });
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroCore().UseBroker(broker));

        await services.GetRequiredService<IMicroClient>().PublishAsync("greetings", new HelloRequest("Ann"));
        var message = await received.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("greetings", message.GetHeader("Micro-Topic"));
        Assert.Equal("{\"name\":\"Ann\"}", System.Text.Encoding.UTF8.GetString(message.Body.Span));
    }

    private static async Task<Dictionary<string, int>> CountServedAsync(IMicroClient client, int calls, MicroCallOptions? options = null)
    {
        var served = new Dictionary<string, int>();
        for (var i = 0; i < calls; i++)
        {
            var reply = await client.HelloAsync(options: options);
            Assert.EndsWith(reply.Node.Id, reply.Value.Message, StringComparison.Ordinal);
            served[reply.Node.Id] = served.GetValueOrDefault(reply.Node.Id) + 1;
        }

        return served;
    }

    private sealed class LastSelector : IMicroNodeSelector
    {
        public int Select(string service, ReadOnlySpan<MicroNode> candidates) => candidates.Length - 1;
    }

    private sealed class FirstSelector : IMicroNodeSelector
    {
        public int Select(string service, ReadOnlySpan<MicroNode> candidates) => 0;
    }

    private IEnumerable<string> NodeIds() => _nodes.Select(TestClient.NodeId).Order();
}
