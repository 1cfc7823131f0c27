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
                // Fast retries, but the default 30 s per attempt: a shorter one could time out a delivery that a loaded
                // machine is still running and send it again, a duplicate the exactly-once assertions would count.
                m.ConfigureHttpBroker(o =>
                {
                    o.RetryDelay = TimeSpan.FromMilliseconds(10);
                    o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
                });
                micro?.Invoke(m);
            },
            configureBuilder: b => services?.Invoke(b.Services));

    public static IMicroPublisher Publisher(this WebApplication app) => app.Services.GetRequiredService<IMicroPublisher>();
}
