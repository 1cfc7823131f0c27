using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace MicroHosting.Broker.Internal;

/// <summary>The pub/sub services <c>AddMicroCore</c> and <c>AddMicro</c> register.</summary>
internal static class BrokerServices
{
    /// <summary>Brokers (<c>http</c>, <c>memory</c>), the selected <see cref="IBroker"/>, the publisher and the subscriber runtime.</summary>
    public static void AddCore(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(HttpBroker)))
        {
            return; // already added: AddMicroCore may be called more than once
        }

        services.AddMetrics();
        services.AddOptions<HttpBrokerOptions>().BindConfiguration(HttpBrokerOptions.SectionName);
        services.AddOptions<MicroSubscriberOptions>();
        MicroHosting.Security.Internal.MicroClientTls.Configure(services.AddHttpClient(HttpBroker.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan))
            .AddHttpMessageHandler(sp => new MicroHosting.Security.Internal.MicroCredentialHandler(sp.GetRequiredService<MicroHosting.Security.Internal.MicroCredentials>(), "micro.http.broker"));
        services.TryAddSingleton<HttpBroker>();
        services.TryAddKeyedSingleton<IBroker>("http", (sp, _) => sp.GetRequiredService<HttpBroker>());
        services.TryAddKeyedSingleton<IBroker>("memory", (_, _) => new InMemoryBroker());
        services.TryAddSingleton(MicroPlugins.Broker.Resolve);
        services.TryAddSingleton<IMicroPublisher, MicroPublisher>();
        services.TryAddSingleton<MicroSubscriberCatalog>();
        // Before the subscription service: hosts stop in reverse order, so its handlers (which may publish) finish first.
        services.TryAddSingleton<HttpBrokerDrainService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, HttpBrokerDrainService>(static sp => sp.GetRequiredService<HttpBrokerDrainService>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MicroSubscriptionService>());
    }

    /// <summary>
    /// The <c>/_sub</c> endpoint (routed); its <c>POST /?id=</c> rewrite and its fallback are put in place by
    /// <c>AddMicro</c>'s one startup filter (<see cref="MicroHosting.Server.Internal.MicroStartupFilter"/>).
    /// </summary>
    public static void AddServer(IServiceCollection services)
    {
        services.TryAddSingleton<HttpBrokerEndpoint>();
        services.TryAddSingleton<HttpBrokerRouting>();
    }
}
