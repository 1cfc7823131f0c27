using MicroHosting.Broker;
using MicroHosting.Broker.Nats;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>MicroHosting apps whose broker the pub/sub scenario drives: NATS, and the default http broker.</summary>
internal static class BrokerApps
{
    /// <summary>
    /// Two apps, a publisher and a subscriber, each with its own NATS connection, as two services have and as the raw
    /// NATS.Net baseline has (a publishing and a subscribing connection).
    /// </summary>
    public static async Task<PubSubTarget> StartNatsAsync(string url, NatsMessageFormat format, CancellationToken cancellationToken)
    {
        var publisher = await StartAppAsync(CreateNats(url, format, "bench-nats-pub"), cancellationToken).ConfigureAwait(false);
        var subscriber = await StartAppAsync(CreateNats(url, format, "bench-nats-sub"), cancellationToken).ConfigureAwait(false);
        return new BrokerTarget(
            publisher.Services.GetRequiredService<IBroker>(),
            subscriber.Services.GetRequiredService<IBroker>(),
            async () =>
            {
                await publisher.DisposeAsync().ConfigureAwait(false);
                await subscriber.DisposeAsync().ConfigureAwait(false);
            });
    }

    /// <summary>
    /// The http broker publishes to subscribers it finds in the registry, over HTTP to their Kestrel port; here the app
    /// publishes to itself. <see cref="HttpBrokerOverflowPolicy.Wait"/> makes a publisher wait for room, so the publish
    /// rate is the delivery rate rather than the rate of dropping.
    /// </summary>
    public static async Task<PubSubTarget> StartHttpAsync(CancellationToken cancellationToken)
    {
        var builder = BenchApps.CreateBuilder(http2Only: false);
        builder.Services.AddMicro(o => o.Name = "bench-http").UseRegistry(new InMemoryRegistry());
        builder.Services.Configure<HttpBrokerOptions>(o => o.OverflowPolicy = HttpBrokerOverflowPolicy.Wait);
        return await StartAsync(builder.Build(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A publishing and a subscribing app on the jetstream broker (acknowledged publishes, durable consumer, acks), with its defaults.</summary>
    public static async Task<PubSubTarget> StartJetStreamAsync(string url, CancellationToken cancellationToken)
    {
        var publisher = await StartAppAsync(CreateJetStream(url, "bench-js-pub"), cancellationToken).ConfigureAwait(false);
        var subscriber = await StartAppAsync(CreateJetStream(url, "bench-js-sub"), cancellationToken).ConfigureAwait(false);
        return new BrokerTarget(
            publisher.Services.GetRequiredService<IBroker>(),
            subscriber.Services.GetRequiredService<IBroker>(),
            async () =>
            {
                await publisher.DisposeAsync().ConfigureAwait(false);
                await subscriber.DisposeAsync().ConfigureAwait(false);
            },
            newIdPerMessage: true);
    }

    private static WebApplication CreateJetStream(string url, string name)
    {
        var builder = BenchApps.CreateBuilder(http2Only: false);
        builder.Services.AddMicro(o => o.Name = name).UseRegistry(new InMemoryRegistry()).AddNatsJetStream(o => o.Url = url);
        return builder.Build();
    }

    private static WebApplication CreateNats(string url, NatsMessageFormat format, string name)
    {
        var builder = BenchApps.CreateBuilder(http2Only: false);
        builder.Services.AddMicro(o => o.Name = name).UseRegistry(new InMemoryRegistry()).AddNatsBroker(o =>
        {
            o.Url = url;
            o.MessageFormat = format;
        });
        return builder.Build();
    }

    private static async Task<PubSubTarget> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await StartAppAsync(app, cancellationToken).ConfigureAwait(false);
        var broker = app.Services.GetRequiredService<IBroker>();
        return new BrokerTarget(broker, broker, app.DisposeAsync);
    }

    private static async Task<WebApplication> StartAppAsync(WebApplication app, CancellationToken cancellationToken)
    {
        app.MapMicroHandlers();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        return app;
    }
}
