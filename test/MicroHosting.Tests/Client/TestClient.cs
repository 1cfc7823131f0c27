using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>
/// A pure client (AddMicroCore) over a registry, with configuration given in code only (no environment). Shared with
/// MicroHosting.FunctionalTests, which adds the Kestrel greeter nodes (<c>TestClient.Hosts.cs</c>).
/// </summary>
internal static partial class TestClient
{
    public static ServiceProvider Create(
        IRegistry registry,
        Dictionary<string, string?>? configuration = null,
        Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build());
        services.AddLogging();
        services.AddMicroCore().UseRegistry(registry);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static Task<MicroResponse<HelloReply>> HelloAsync(this IMicroClient client, string name = "John", MicroCallOptions? options = null, string service = "greeter")
        => client.SendAsync<HelloRequest, HelloReply>(service, "Greeter.Hello", new HelloRequest(name), options);
}
