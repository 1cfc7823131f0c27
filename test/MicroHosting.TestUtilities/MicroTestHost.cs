using MicroHosting.Hosting;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.TestUtilities;

/// <summary>Starts a real Kestrel MicroHosting service on 127.0.0.1 with a free port.</summary>
public static class MicroTestHost
{
    /// <summary>Builds and starts a service.</summary>
    /// <param name="name">The service name.</param>
    /// <param name="map">Maps handlers on the app.</param>
    /// <param name="registry">The registry to use; a fresh in-memory one when <see langword="null"/>.</param>
    /// <param name="configure">Further MicroHosting configuration.</param>
    /// <param name="configureBuilder">Further host configuration (services, configuration).</param>
    /// <param name="configureOptions">Further options.</param>
    /// <returns>The started app; dispose it to stop.</returns>
    public static async Task<WebApplication> StartAsync(
        string name,
        Action<WebApplication> map,
        IRegistry? registry = null,
        Action<IMicroBuilder>? configure = null,
        Action<WebApplicationBuilder>? configureBuilder = null,
        Action<MicroOptions>? configureOptions = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var micro = builder.Services.AddMicro(o =>
        {
            o.Name = name;
            configureOptions?.Invoke(o);
        });
        micro.UseRegistry(registry ?? new InMemoryRegistry());
        configure?.Invoke(micro);
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        map(app);
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    /// <summary>Gets the base address (<c>http://127.0.0.1:port</c>) the app listens on.</summary>
    /// <param name="app">A started app.</param>
    /// <returns>The address.</returns>
    public static Uri BaseAddress(this WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address);
    }
}
