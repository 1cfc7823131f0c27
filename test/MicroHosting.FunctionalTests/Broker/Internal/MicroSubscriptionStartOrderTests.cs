using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Tests.Broker.Internal;

/// <summary>Subscriptions start after the service's first registration, whatever order the host starts its services in.</summary>
public sealed class MicroSubscriptionStartOrderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_SubscriberAddedBeforeAddMicro_ServiceRegisteredBeforeTheSubscription(bool startConcurrently)
    {
        var name = "order-" + Guid.NewGuid().ToString("N")[..8];
        var registry = new RecordingRegistry();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.Configure<HostOptions>(o => o.ServicesStartConcurrently = startConcurrently);
        // The subscription service's descriptor comes first: AddMicroCore registers it, AddMicro the registration after.
        builder.Services.AddMicroCore(o => o.Name = name).UseRegistry(registry);
        builder.Services.AddMicroSubscriber<HelloRequest>("order.topic", (_, _, _) => Task.CompletedTask);
        builder.Services.AddMicro();
        await using var app = builder.Build();

        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var registered = registry.Registered();
        Assert.Equal(name, registered[0]);
        Assert.Contains("micro.http.broker", registered);
        Assert.Contains("topic:order.topic", registered);
        var service = Assert.Single(await registry.GetServiceAsync(name));
        Assert.Contains(service.Endpoints, e => e.Metadata.GetValueOrDefault("topic") == "order.topic");
        await app.StopAsync();
    }

    private sealed class RecordingRegistry : IRegistry
    {
        private readonly InMemoryRegistry _inner = new();
        private readonly List<string> _registered = [];

        public string Name => "recording";

        public string[] Registered()
        {
            lock (_registered)
            {
                return [.. _registered];
            }
        }

        public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
        {
            lock (_registered)
            {
                _registered.Add(service.Name);
            }

            return _inner.RegisterAsync(service, ttl, cancellationToken);
        }

        public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default) => _inner.DeregisterAsync(service, cancellationToken);

        public Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default) => _inner.GetServiceAsync(name, cancellationToken);

        public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default) => _inner.ListServicesAsync(cancellationToken);

        public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default) => _inner.WatchAsync(service, cancellationToken);
    }
}
