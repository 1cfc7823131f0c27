using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client;

/// <summary>A pure client (AddMicroCore) over a registry, with configuration given in code only (no environment).</summary>
internal static class TestClient
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

    /// <summary>Starts a greeter node that says which node it is; <paramref name="calls"/> counts the calls it served.</summary>
    public static Task<WebApplication> StartGreeterAsync(
        IRegistry registry,
        string version = "latest",
        IDictionary<string, string>? metadata = null,
        string? address = null,
        Func<HelloRequest, MicroContext, CancellationToken, Task<HelloReply>>? handler = null,
        string name = "greeter",
        bool idempotent = false)
        => MicroTestHost.StartAsync(
            name,
            app =>
            {
                var mapped = app.MapMicroHandler("Greeter.Hello", handler ?? ((HelloRequest r, MicroContext c, CancellationToken _) =>
                    Task.FromResult(new HelloReply($"Hello {r.Name} from {NodeId(app)}"))));
                if (idempotent)
                {
                    mapped.Idempotent();
                }
            },
            registry,
            configureOptions: o =>
            {
                o.Version = version;
                o.Address = address;
                foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
                {
                    o.Metadata[key] = value;
                }
            });

    public static string NodeId(WebApplication app) => app.Services.GetRequiredService<IOptions<MicroHosting.Hosting.MicroOptions>>().Value.Id!;

    public static Task<MicroResponse<HelloReply>> HelloAsync(this IMicroClient client, string name = "John", MicroCallOptions? options = null, string service = "greeter")
        => client.SendAsync<HelloRequest, HelloReply>(service, "Greeter.Hello", new HelloRequest(name), options);
}
