using MicroHosting.Broker.Internal;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using MicroHosting.Tests.Client.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Broker.Internal;

public sealed class HttpBrokerDiscoveryTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly LookupCountingRegistry _registry;
    private readonly RegistryCache _cache;
    private readonly HttpBrokerDiscovery _discovery;

    public HttpBrokerDiscoveryTests()
    {
        _registry = new LookupCountingRegistry(_time);
        var options = Options.Create(new MicroClientOptions { CacheTtl = TimeSpan.FromMinutes(1) });
        _cache = new RegistryCache(_registry, new NodeHealth(_time, options, NullLogger<NodeHealth>.Instance), _time, options, NullLogger<RegistryCache>.Instance);
        _discovery = new HttpBrokerDiscovery(_cache, _time, TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync() => await _cache.DisposeAsync();

    [Fact]
    public async Task GetAsync_BothFormsAndOtherTopics_EachSubscriberOnceOnItsGenerationsPath()
    {
        await SubscribeAsync("orders-1", "orders", v1: true, v2: true); // MicroHosting: both forms
        await SubscribeAsync("orders-2", "orders", v1: false, v2: true); // Go Micro v2.5+
        await SubscribeAsync("orders-3", "orders", v1: true, v2: false); // Go Micro v1
        await SubscribeAsync("other-1", "other", v1: true, v2: true);

        var targets = await _discovery.GetAsync("orders", CancellationToken.None);

        Assert.Equal(
            [("orders-1", "/_sub"), ("orders-2", "/"), ("orders-3", "/_sub")],
            targets.Select(t => (t.Node.Id, t.Path)).Order());
    }

    [Fact]
    public async Task GetAsync_WithinMaxAge_FromTheRegistryCacheThenLookedUpAgainAfterIt()
    {
        await SubscribeAsync("orders-1", "orders", v1: true, v2: true);
        await _discovery.GetAsync("orders", CancellationToken.None);
        var lookups = _registry.Lookups;

        await _discovery.GetAsync("orders", CancellationToken.None);
        Assert.Equal(lookups, _registry.Lookups);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(await _discovery.GetAsync("orders", CancellationToken.None));
        Assert.Equal(lookups + 2, _registry.Lookups);
    }

    [Fact]
    public async Task GetAsync_EmptyAnswer_NotKeptSoALaterSubscriberIsFoundOnTheNextPublish()
    {
        Assert.Empty(await _discovery.GetAsync("orders", CancellationToken.None));

        await SubscribeAsync("orders-1", "orders", v1: true, v2: true);

        Assert.Single(await _discovery.GetAsync("orders", CancellationToken.None));
    }

    [Fact]
    public async Task Invalidate_AfterAFailedDelivery_NextGetLooksUpAgain()
    {
        await SubscribeAsync("orders-1", "orders", v1: true, v2: true);
        await _discovery.GetAsync("orders", CancellationToken.None);
        var lookups = _registry.Lookups;

        _discovery.Invalidate("orders");
        await _discovery.GetAsync("orders", CancellationToken.None);

        Assert.Equal(lookups + 2, _registry.Lookups);
    }

    private async Task SubscribeAsync(string id, string topic, bool v1, bool v2)
    {
        var node = new MicroNode
        {
            Id = id,
            Address = "127.0.0.1",
            Port = 9000,
            Metadata = new Dictionary<string, string> { ["broker"] = "http", ["topic"] = topic },
        };
        if (v1)
        {
            await _registry.RegisterAsync(new MicroService { Name = HttpBrokerDiscovery.ServicePrefix + topic, Version = HttpBrokerSubscription.BroadcastVersion, Nodes = [node] }, TimeSpan.Zero);
        }

        if (v2)
        {
            await _registry.RegisterAsync(new MicroService { Name = HttpBrokerDiscovery.ServiceName, Version = HttpBrokerSubscription.BroadcastVersion, Nodes = [node] }, TimeSpan.Zero);
        }
    }
}
