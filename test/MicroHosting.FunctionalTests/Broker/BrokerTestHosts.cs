using MicroHosting.Broker;
using MicroHosting.Hosting;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Broker;

/// <summary>Kestrel hosts for pub/sub tests: one shared registry, fast retries.</summary>
internal static class BrokerTestHosts
{
    public static Task<WebApplication> StartAsync(
        string name,
        IRegistry? registry,
        Action<IServiceCollection>? services = null,
        Action<IMicroBuilder>? micro = null,
        Action<WebApplication>? map = null)
        => MicroTestHost.StartAsync(
            name,
            app => map?.Invoke(app),
            registry,
            configure: m =>
            {
                m.ConfigureHttpBroker(o =>
                {
                    o.RetryDelay = TimeSpan.FromMilliseconds(10);
                    o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
                    o.DeliveryTimeout = TimeSpan.FromSeconds(5);
                });
                micro?.Invoke(m);
            },
            configureBuilder: b => services?.Invoke(b.Services));

    public static IMicroPublisher Publisher(this WebApplication app) => app.Services.GetRequiredService<IMicroPublisher>();
}
