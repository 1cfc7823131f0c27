using MicroHosting.Client;
using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace MicroHosting.Testing.Internal;

/// <summary>Puts an app (or a test's client container) on a <see cref="MicroTestNetwork"/>.</summary>
internal static class MicroTestServices
{
    /// <summary>
    /// An app under test: the network's registry and broker, an advertised address only the network knows, its TestServer
    /// reachable there, and every MicroHosting HttpClient routed in memory. Added last, so it wins over the app's own
    /// configuration and the test process's <c>MICRO_*</c> variables (an app under test must never reach a real registry).
    /// </summary>
    public static void AddApp(IServiceCollection services, MicroTestNetwork network, string? name = null)
    {
        AddClient(services, network);
        services.PostConfigure<MicroOptions>(options =>
        {
            options.Name = name ?? options.Name;
            options.Advertise = network.AllocateAddress(options.Name);
        });
        services.TryAddSingleton<MicroTestNodeRoute>();
        services.AddHostedService<MicroTestNodeRegistration>();
    }

    /// <summary>A client container (or the client side of an app): the network's registry and broker, and in-memory routing.</summary>
    public static void AddClient(IServiceCollection services, MicroTestNetwork network)
    {
        services.TryAddSingleton(network);
        services.AddMicroCore()
            .UseRegistry(network.Registry)
            .UseBroker(network.Broker);
        services.PostConfigure<MicroOptions>(options =>
        {
            options.Registry = network.Registry.Name;
            options.Broker = network.Broker.Name;
        });
        // Replaces any factory the app registered: an app under test must never reach a real node.
        services.Replace(ServiceDescriptor.Singleton<IMicroPrimaryHandlerFactory, MicroTestPrimaryHandlerFactory>());
    }
}
