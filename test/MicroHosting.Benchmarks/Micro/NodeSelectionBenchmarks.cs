using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// Node selection on the client's call path: the registry cache hit plus the selector's pick among three nodes, against
/// picking a random element of an array. Public and unsealed for BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
[CategoriesColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class NodeSelectionBenchmarks : IDisposable
{
    private const string Service = "bench";
    private readonly ServiceProvider _provider;
    private readonly RegistryCache _cache;
    private readonly IMicroNodeSelector _random;
    private readonly IMicroNodeSelector _roundRobin;
    private readonly MicroNode[] _nodes;

    public NodeSelectionBenchmarks()
    {
        var registry = new InMemoryRegistry();
        _nodes = [.. Enumerable.Range(1, 3).Select(i => new MicroNode { Id = $"bench-{i}", Address = "127.0.0.1", Port = 9000 + i })];
        registry.RegisterAsync(new MicroService { Name = Service, Nodes = _nodes }, TimeSpan.FromHours(1)).GetAwaiter().GetResult();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore(o => o.Name = "bench-client").UseRegistry(registry);
        _provider = services.BuildServiceProvider();
        _cache = _provider.GetRequiredService<RegistryCache>();
        _random = _provider.GetRequiredKeyedService<IMicroNodeSelector>(RandomNodeSelector.Name);
        _roundRobin = _provider.GetRequiredKeyedService<IMicroNodeSelector>(RoundRobinNodeSelector.Name);
        _ = _cache.GetAsync(Service, CancellationToken.None).AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true, Description = "Random.Shared.Next")]
    [BenchmarkCategory("select-of-3")]
    public int SelectBaseline() => Random.Shared.Next(_nodes.Length);

    [Benchmark(Description = "random selector")]
    [BenchmarkCategory("select-of-3")]
    public int SelectRandom() => _random.Select(Service, _nodes);

    [Benchmark(Description = "roundrobin selector")]
    [BenchmarkCategory("select-of-3")]
    public int SelectRoundRobin() => _roundRobin.Select(Service, _nodes);

    [Benchmark(Baseline = true, Description = "array lookup + Random")]
    [BenchmarkCategory("cache-hit+select")]
    public MicroNode LookupBaseline() => _nodes[Random.Shared.Next(_nodes.Length)];

    [Benchmark(Description = "RegistryCache hit + random selector")]
    [BenchmarkCategory("cache-hit+select")]
    public MicroNode CachedSelect()
    {
        var task = _cache.GetAsync(Service, CancellationToken.None);
        var snapshot = task.IsCompletedSuccessfully ? task.Result : task.AsTask().GetAwaiter().GetResult();
        var nodes = snapshot.Nodes;
        return nodes[nodes.Length == 1 ? 0 : Random.Shared.Next(nodes.Length)].Node;
    }

    public void Dispose()
    {
        _provider.DisposeAsync().AsTask().GetAwaiter().GetResult(); // the registry cache is async-disposable only
        GC.SuppressFinalize(this);
    }
}
