using MicroHosting.Broker;
using MicroHosting.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Hosting;

/// <summary>Registries and brokers are plug-ins of one mechanism: named in any case, found under the lower-case name; plug-ins add their health checks one way.</summary>
public sealed class MicroPluginsTests
{
    [Fact]
    public async Task UseBroker_InstanceNamedInMixedCase_IsSelectedAndDelivers()
    {
        var rabbit = new NamedBroker("Rabbit");
        using var services = Build(null, micro => micro.UseBroker(rabbit));
        var received = new List<string>();
        await rabbit.SubscribeAsync("orders", (topic, _, _) =>
        {
            received.Add(topic);
            return ValueTask.CompletedTask;
        });

        var broker = services.GetRequiredService<IBroker>();
        await services.GetRequiredService<IMicroPublisher>().PublishAsync("orders", new { Id = "o-1" });

        Assert.Same(rabbit, broker);
        Assert.Equal(["orders"], received);
    }

    [Fact]
    public void UseRegistry_InstanceNamedInMixedCase_IsSelected()
    {
        var consul = new NamedRegistry("Consul");
        using var services = Build(null, micro => micro.UseRegistry(consul));

        Assert.Same(consul, services.GetRequiredService<IRegistry>());
    }

    [Theory]
    [InlineData("Rabbit", "RABBIT")]
    [InlineData("rabbit", "Rabbit")]
    public void AddBroker_AnyCase_SelectedByConfigurationInAnyCase(string added, string configured)
    {
        var rabbit = new NamedBroker("rabbit");
        using var services = Build(new() { ["MICRO_BROKER"] = configured }, micro => micro.AddBroker(added, _ => rabbit));

        Assert.Same(rabbit, services.GetRequiredService<IBroker>());
    }

    [Theory]
    [InlineData("Consul", "CONSUL")]
    [InlineData("consul", "Consul")]
    public void AddRegistry_AnyCase_SelectedByConfigurationInAnyCase(string added, string configured)
    {
        var consul = new NamedRegistry("consul");
        using var services = Build(new() { ["MICRO_REGISTRY"] = configured }, micro => micro.AddRegistry(added, _ => consul));

        Assert.Same(consul, services.GetRequiredService<IRegistry>());
    }

    [Fact]
    public async Task AddHealthCheck_CalledTwice_AddsOneCheckTaggedMicroThatRuns()
    {
        using var services = Build(null, micro => micro.AddHealthCheck<PluginHealthCheck>("micro-plugin").AddHealthCheck<PluginHealthCheck>("micro-plugin"));

        var registration = Assert.Single(services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations, r => r.Name == "micro-plugin");
        var report = await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "micro-plugin");

        Assert.Equal(["micro"], registration.Tags);
        Assert.Equal(HealthStatus.Degraded, report.Entries["micro-plugin"].Status);
        Assert.Equal("plugin says so", report.Entries["micro-plugin"].Description);
    }

    private static ServiceProvider Build(Dictionary<string, string?>? settings, Action<MicroHosting.Hosting.IMicroBuilder> configure)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        configure(services.AddMicroCore());
        return services.BuildServiceProvider();
    }

    private sealed class PluginHealthCheck : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
            => Task.FromResult(HealthCheckResult.Degraded("plugin says so"));
    }

    /// <summary>An in-memory broker under another name, as a third-party plug-in would be.</summary>
    private sealed class NamedBroker(string name) : IBroker
    {
        private readonly InMemoryBroker _inner = new();

        public string Name => name;

        public ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
            => _inner.PublishAsync(topic, message, cancellationToken);

        public ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
            => _inner.SubscribeAsync(topic, handler, options, cancellationToken);
    }

    /// <summary>An in-memory registry under another name.</summary>
    private sealed class NamedRegistry(string name) : IRegistry, IDisposable
    {
        private readonly InMemoryRegistry _inner = new();

        public string Name => name;

        public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default) => _inner.RegisterAsync(service, ttl, cancellationToken);

        public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default) => _inner.DeregisterAsync(service, cancellationToken);

        public Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default) => _inner.GetServiceAsync(name, cancellationToken);

        public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default) => _inner.ListServicesAsync(cancellationToken);

        public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default) => _inner.WatchAsync(service, cancellationToken);

        public void Dispose() => _inner.Dispose();
    }
}
