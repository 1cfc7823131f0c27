using MicroHosting.Client;
using MicroHosting.Testing.Internal;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Mvc.Testing;

/// <summary>Puts a <see cref="WebApplicationFactory{TEntryPoint}"/> app on a <see cref="MicroHosting.Testing.MicroTestNetwork"/> and calls it.</summary>
public static class MicroTestingWebApplicationFactoryExtensions
{
    /// <summary>
    /// Returns a factory whose app runs on <paramref name="network"/>: it registers in the network's in-memory registry
    /// under an address only the network knows, publishes to and subscribes on its recording broker, and its own calls
    /// to other services reach the network's nodes (fakes or other factories) in memory. The app's configured registry,
    /// broker and <c>MICRO_*</c> variables are overridden: no port is opened, nothing is multicast.
    /// </summary>
    /// <typeparam name="TEntryPoint">The app's entry point, usually <c>Program</c>.</typeparam>
    /// <param name="factory">The factory.</param>
    /// <param name="network">The network.</param>
    /// <returns>A new factory; dispose it (before the network).</returns>
    public static WebApplicationFactory<TEntryPoint> WithMicroTestNetwork<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory, MicroHosting.Testing.MicroTestNetwork network)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(network);
        return factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => MicroTestServices.AddApp(services, network)));
    }

    /// <summary>Starts the app if needed and returns its node on the network: its address, request count and faults.</summary>
    /// <typeparam name="TEntryPoint">The app's entry point.</typeparam>
    /// <param name="factory">A factory from <see cref="WithMicroTestNetwork{TEntryPoint}"/>.</param>
    /// <returns>The node.</returns>
    public static MicroHosting.Testing.MicroTestNode GetMicroNode<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        NetworkOf(factory);
        return MicroHosting.Testing.MicroTestNetwork.NodeOf(factory.Services);
    }

    /// <summary>
    /// Starts the app if needed and returns an <see cref="IMicroClient"/> on its network, as another service would call it:
    /// discovery in the registry, the native route (<c>POST /Type/Method</c>), retries. Set
    /// <see cref="MicroCallOptions.Address"/> to <c>factory.GetMicroNode().Address</c> to call through Go Micro's <c>POST /</c>.
    /// </summary>
    /// <typeparam name="TEntryPoint">The app's entry point.</typeparam>
    /// <param name="factory">A factory from <see cref="WithMicroTestNetwork{TEntryPoint}"/>.</param>
    /// <returns>The client; the network owns it. For typed and contract clients, see <see cref="MicroHosting.Testing.MicroTestNetwork.CreateClient{TClient}"/>.</returns>
    public static IMicroClient CreateMicroClient<TEntryPoint>(this WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
        => NetworkOf(factory).Client;

    private static MicroHosting.Testing.MicroTestNetwork NetworkOf<TEntryPoint>(WebApplicationFactory<TEntryPoint> factory)
        where TEntryPoint : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.Services.GetService<MicroHosting.Testing.MicroTestNetwork>()
            ?? throw new InvalidOperationException("The factory's app is not on a MicroTestNetwork: create the factory with factory.WithMicroTestNetwork(network) first.");
    }
}
