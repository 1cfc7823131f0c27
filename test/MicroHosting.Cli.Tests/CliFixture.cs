using System.Runtime.CompilerServices;
using System.Threading.Channels;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Cli.Tests;

/// <summary>
/// A real etcd and nats-server on loopback, and a real service registered in etcd that uses NATS: a unary endpoint, a
/// streaming endpoint and a subscriber. The tool runs as a separate process against them.
/// </summary>
public sealed class CliFixture : IAsyncLifetime
{
    private readonly NatsServer _nats = new();
    private EtcdServer? _etcd;
    private WebApplication? _app;

    public string Service { get; } = "greeter-" + Guid.NewGuid().ToString("N")[..8];

    public string Topic { get; } = "cli.orders." + Guid.NewGuid().ToString("N")[..8];

    public Channel<OrderPlaced> Received { get; } = Channel.CreateUnbounded<OrderPlaced>();

    public EtcdServer Etcd => _etcd ?? throw new InvalidOperationException(ExternalServer.MissingMessage("etcd", "etcd-server"));

    public NatsServer Nats => _nats;

    public WebApplication App => _app ?? throw new InvalidOperationException("The service did not start.");

    /// <summary>Gets the environment that points the tool at this fixture's etcd and NATS, as a deployment would.</summary>
    public Dictionary<string, string?> Environment => new()
    {
        ["MICRO_REGISTRY"] = "etcd",
        ["MICRO_REGISTRY_ADDRESS"] = Etcd.ClientAddress,
        ["MICRO_BROKER"] = "nats",
        ["MICRO_BROKER_ADDRESS"] = _nats.Url,
    };

    public async Task InitializeAsync()
    {
        await _nats.InitializeAsync();
        if (ExternalServer.Find("etcd") is null || ExternalServer.Find("nats-server") is null)
        {
            return; // the facts skip themselves (or fail on CI)
        }

        _etcd = await EtcdServer.StartAsync();
        _app = await StartServiceAsync(Service, Etcd.ClientAddress, _nats.Url, Topic, Received.Writer);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        if (_etcd is not null)
        {
            await _etcd.DisposeAsync();
        }

        await _nats.DisposeAsync();
    }

    /// <summary>Starts a greeter node in etcd: <c>Greeter.Hello</c>, the stream <c>Numbers.Count</c>, and a subscriber on <paramref name="topic"/>.</summary>
    internal static async Task<WebApplication> StartServiceAsync(string name, string etcd, string nats, string topic, ChannelWriter<OrderPlaced> received, TimeSpan? registerInterval = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddMicro(o =>
            {
                o.Name = name;
                o.Version = "1.2.0";
                o.Metadata["zone"] = "test";
                o.Registry = "etcd";
                o.RegistryAddress = etcd;
                o.Broker = "nats";
                o.BrokerAddress = nats;
                o.RegisterInterval = registerInterval ?? o.RegisterInterval;
            })
            .AddEtcdRegistry()
            .AddNatsBroker();
        builder.Services.AddMicroSubscriber<OrderPlaced>(topic, async (message, ct) => await received.WriteAsync(message, ct));
        var app = builder.Build();
        app.MapMicroHandler("Greeter.Hello", (HelloRequest request) =>
            request.Name == "bad" ? throw MicroException.BadRequest("greeter", "bad name") : new HelloReply("Hello " + request.Name));
        app.MapMicroHandler("Numbers.Count", (CountRequest request, CancellationToken ct) => CountAsync(request.To, ct));
        await app.StartAsync();
        return app;
    }

    private static async IAsyncEnumerable<Number> CountAsync(int to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= to; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Number(i);
        }
    }

    /// <summary>A pure client's services over this fixture's etcd (dispose it), for writing to the registry directly.</summary>
    internal ServiceProvider CreateRegistry()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["MICRO_REGISTRY"] = "etcd",
            ["MICRO_REGISTRY_ADDRESS"] = Etcd.ClientAddress,
        }).Build());
        services.AddLogging();
        services.AddMicroCore().AddEtcdRegistry();
        return services.BuildServiceProvider();
    }

    /// <summary>This fixture's node as the registry has it.</summary>
    internal async Task<MicroNode> NodeAsync()
    {
        var registry = App.Services.GetRequiredService<IRegistry>();
        return (await registry.GetServiceAsync(Service)).Single().Nodes.Single();
    }
}
