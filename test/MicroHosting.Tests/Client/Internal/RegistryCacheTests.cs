using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client.Internal;

public sealed class RegistryCacheTests : IAsyncDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly LookupCountingRegistry _registry;
    private readonly RegistryCache _cache;

    public RegistryCacheTests()
    {
        _registry = new LookupCountingRegistry(_time);
        var options = Options.Create(new MicroClientOptions { CacheTtl = TimeSpan.FromMinutes(1) });
        _cache = new RegistryCache(_registry, new NodeHealth(_time, options, NullLogger<NodeHealth>.Instance), _time, options, NullLogger<RegistryCache>.Instance);
    }

    public async ValueTask DisposeAsync() => await _cache.DisposeAsync();

    [Fact]
    public async Task GetAsync_WithinTtl_AsksTheRegistryOnce()
    {
        await RegisterAsync("n1");

        var first = await _cache.GetAsync("greeter", CancellationToken.None);
        var second = await _cache.GetAsync("greeter", CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(61));
        var third = await _cache.GetAsync("greeter", CancellationToken.None);

        Assert.Same(first, second);
        Assert.Single(third.Nodes);
        Assert.Equal(2, _registry.Lookups);
    }

    [Fact]
    public async Task GetAsync_WatchEvents_UpdateTheCachedNodesWithoutALookup()
    {
        await RegisterAsync("n1");
        await _cache.GetAsync("greeter", CancellationToken.None);

        await RegisterAsync("n2");
        await WaitForAsync(s => s.Nodes.Length == 2);
        await _registry.DeregisterAsync(Service("n1"));
        var after = await WaitForAsync(s => s.Nodes.Length == 1);

        Assert.Equal("n2", after.Nodes[0].Node.Id);
        Assert.Equal(1, _registry.Lookups);
    }

    [Fact]
    public async Task GetAsync_RegistryDownAfterTtl_ServesTheLastKnownNodes()
    {
        await RegisterAsync("n1");
        await _cache.GetAsync("greeter", CancellationToken.None);
        _registry.Fail = true;
        _time.Advance(TimeSpan.FromMinutes(2));

        var stale = await _cache.GetAsync("greeter", CancellationToken.None);

        Assert.Equal("n1", Assert.Single(stale.Nodes).Node.Id);
        Assert.Equal(2, _registry.Lookups);
    }

    [Fact]
    public async Task GetAsync_RegistryDownFromTheStart_ThrowsNamingTheRegistry()
    {
        _registry.Fail = true;

        var error = await Assert.ThrowsAsync<MicroException>(async () => await _cache.GetAsync("greeter", CancellationToken.None));

        Assert.Equal("service greeter: the counting registry failed: registry unreachable", error.Detail);
    }

    [Fact]
    public async Task GetAsync_ConcurrentMisses_ShareOneLookup()
    {
        await RegisterAsync("n1");
        _registry.Gate = new TaskCompletionSource();

        var lookups = Enumerable.Range(0, 8).Select(_ => _cache.GetAsync("greeter", CancellationToken.None).AsTask()).ToArray();
        _registry.Gate.SetResult();
        await Task.WhenAll(lookups);

        Assert.Equal(1, _registry.Lookups);
    }

    private async Task<ServiceSnapshot> WaitForAsync(Func<ServiceSnapshot, bool> condition)
    {
        for (var i = 0; i < 500; i++)
        {
            var snapshot = await _cache.GetAsync("greeter", CancellationToken.None);
            if (condition(snapshot))
            {
                return snapshot;
            }

            await Task.Delay(10);
        }

        throw new TimeoutException("The cache never reached the expected state.");
    }

    private Task RegisterAsync(string id) => _registry.RegisterAsync(Service(id), TimeSpan.Zero);

    private static MicroService Service(string id) => new() { Name = "greeter", Nodes = [new MicroNode { Id = id, Address = "127.0.0.1", Port = 1000 + id.Length }] };
}
