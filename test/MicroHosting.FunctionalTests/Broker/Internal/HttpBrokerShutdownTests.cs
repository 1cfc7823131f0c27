using System.Net;
using System.Net.Sockets;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace MicroHosting.Tests.Broker.Internal;

/// <summary>The http broker when its host stops: queued and in-flight messages go out before the registry closes, or are logged as lost.</summary>
public sealed class HttpBrokerShutdownTests
{
    public sealed record OrderPlaced(string Id, int Amount);

    [Fact]
    public async Task Stop_RightAfterPublish_MessageDeliveredOnceBeforeTheRegistryCloses()
    {
        using var inner = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", inner, s => s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) =>
        {
            sink.Add(o.Id);
            return Task.CompletedTask;
        }));

        // As mDNS does: the registry belongs to a hosted service that closes it in StopAsync (and here, lets the held
        // lookups go when stopping begins).
        var registry = new ClosingRegistry(inner);
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, s =>
        {
            s.AddFakeLogging();
            s.AddHostedService(_ => new RegistryOwner(registry));
        });

        // The subscriber lookup only proceeds once the host is stopping: the delivery is the shutdown's to finish.
        registry.HoldLookups();
        await publisher.Publisher().PublishAsync("orders", new OrderPlaced("o-1", 1));
        await publisher.StopAsync();

        Assert.True(registry.Closed);
        Assert.Equal(["o-1"], sink.Items);
        var logs = publisher.Services.GetFakeLogCollector().GetSnapshot();
        Assert.DoesNotContain(logs, r => r.Level >= LogLevel.Error || r.Exception is ObjectDisposedException);
    }

    [Fact]
    public async Task Stop_SubscriberNeverAnswers_StopBoundedByShutdownTimeoutAndLossLoggedWithCount()
    {
        using var registry = new InMemoryRegistry();
        // A subscriber whose port accepts connections and never answers.
        using var blackHole = new TcpListener(IPAddress.Loopback, 0);
        blackHole.Start();
        await registry.RegisterAsync(
            new MicroService { Name = "topic:orders", Version = "ff.http.broadcast", Nodes = [new MicroNode { Id = "broker-silent", Address = "127.0.0.1", Port = ((IPEndPoint)blackHole.LocalEndpoint).Port }] },
            TimeSpan.FromMinutes(1));
        await using var publisher = await BrokerTestHosts.StartAsync(
            "shop",
            registry,
            s =>
            {
                s.AddFakeLogging();
                s.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
            },
            micro: m => m.ConfigureHttpBroker(o =>
            {
                o.DeliveryTimeout = TimeSpan.FromMinutes(10);
                o.DrainTimeout = TimeSpan.FromMinutes(10);
            }));

        for (var i = 0; i < 3; i++)
        {
            await publisher.Publisher().PublishAsync("orders", new OrderPlaced($"o-{i}", i));
        }

        // Bounded by the 2 s shutdown timeout, not by the 10 min delivery and drain timeouts (generous bound for a loaded machine).
        await publisher.StopAsync().WaitAsync(TimeSpan.FromMinutes(2));

        var logs = publisher.Services.GetFakeLogCollector().GetSnapshot();
        var lost = Assert.Single(logs, r => r.Id.Name == "BrokerDrainTimedOut");
        Assert.Equal(LogLevel.Error, lost.Level);
        Assert.Equal("Stopping: 3 message(s) of orders (queued or in flight) were not delivered before the shutdown deadline and are lost.", lost.Message);
        Assert.DoesNotContain(logs, r => r.Exception is ObjectDisposedException);
        Assert.DoesNotContain(logs, r => r.Id.Name is "BrokerDeliveryFailed" or "BrokerDiscoveryFailed");
    }

    /// <summary>A registry that can hold subscriber lookups and, once closed by its owner, throws as a disposed one does.</summary>
    private sealed class ClosingRegistry(InMemoryRegistry inner) : IRegistry
    {
        private volatile TaskCompletionSource _lookups = CompletedGate();
        private volatile bool _closed;

        public string Name => inner.Name;

        public bool Closed => _closed;

        public void HoldLookups() => _lookups = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void ReleaseLookups() => _lookups.TrySetResult();

        public void Close() => _closed = true;

        public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
            => Open() ? inner.RegisterAsync(service, ttl, cancellationToken) : throw Disposed();

        public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default)
            => Open() ? inner.DeregisterAsync(service, cancellationToken) : throw Disposed();

        public async Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default)
        {
            if (name.StartsWith("topic:", StringComparison.Ordinal) || name == "micro.http.broker")
            {
                await _lookups.Task.WaitAsync(cancellationToken);
            }

            return Open() ? await inner.GetServiceAsync(name, cancellationToken) : throw Disposed();
        }

        public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default)
            => Open() ? inner.ListServicesAsync(cancellationToken) : throw Disposed();

        public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default)
            => Open() ? inner.WatchAsync(service, cancellationToken) : throw Disposed();

        private static TaskCompletionSource CompletedGate()
        {
            var gate = new TaskCompletionSource();
            gate.SetResult();
            return gate;
        }

        private bool Open() => !_closed;

        private ObjectDisposedException Disposed() => new(nameof(ClosingRegistry));
    }

    private sealed class RegistryOwner(ClosingRegistry registry) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken)
        {
            registry.ReleaseLookups();
            return Task.CompletedTask;
        }

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken)
        {
            registry.Close();
            return Task.CompletedTask;
        }
    }
}
