using MicroHosting.Benchmarks.Protos;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>
/// The MicroHosting client (<see cref="IMicroClient"/>) in a container of its own, as a calling service has it. With
/// <paramref name="direct"/> every call names the node's address (Go Micro's WithAddress: no registry, no selector);
/// otherwise it resolves the service through the registry cache and selector, in an in-memory registry holding the
/// server's own registration. The address form uses Go Micro's <c>POST /</c> protocol, as the client does for it.
/// The server listens for cleartext HTTP/2 too (<c>Micro:Http2Address</c>): only with <c>http2</c> does the client use it
/// (<see cref="MicroClientOptions.UseHttp2"/>); otherwise it calls over HTTP/1.1, as against a server without it. With
/// <c>tls</c> it calls the TLS server instead, over HTTP/2 negotiated by ALPN on its one port.
/// </summary>
internal sealed class MicroClientTarget : CallTarget
{
    private readonly ServiceProvider _provider;
    private readonly IMicroClient _client;
    private readonly bool _large;
    private readonly MicroCallOptions? _options;

    private MicroClientTarget(ServiceProvider provider, bool large, MicroCallOptions? options)
    {
        _provider = provider;
        _client = provider.GetRequiredService<IMicroClient>();
        _large = large;
        _options = options;
    }

    public static MicroClientTarget Create(ServerAddresses addresses, bool large, bool direct, bool http2 = false, bool tls = false, bool grpc = false)
    {
        var provider = CreateClientServices(addresses, out var node, http2, tls, grpc);
        var options = direct ? new MicroCallOptions { Address = $"{node.Address}:{node.Port}" } : null;
        return new MicroClientTarget(provider, large, options);
    }

    /// <summary>A calling service's container: the MicroHosting client over an in-memory registry holding the server's registration.</summary>
    internal static ServiceProvider CreateClientServices(ServerAddresses addresses, out MicroNode node, bool http2 = false, bool tls = false, bool grpc = false)
    {
        var service = (tls ? addresses.TlsService : addresses.Service)
            ?? throw new InvalidOperationException("The servers did not report the MicroHosting service's registration.");
        if (grpc)
        {
            // As the node registers with Micro:Server=grpc: protocol=grpc on its HTTP/2-only listener.
            var registered = service.Nodes[0];
            var metadata = new Dictionary<string, string>(registered.Metadata) { ["protocol"] = "grpc", ["server"] = "grpc", ["transport"] = "grpc" };
            var port = int.Parse(registered.Metadata["h2c"], System.Globalization.CultureInfo.InvariantCulture);
            service = new MicroService
            {
                Name = service.Name,
                Version = service.Version,
                Endpoints = service.Endpoints,
                Nodes = [new MicroNode { Id = registered.Id, Address = registered.Address, Port = port, Metadata = metadata }],
            };
        }

        var registry = new InMemoryRegistry();

        // The in-memory registry completes synchronously.
        registry.RegisterAsync(service, TimeSpan.FromHours(1)).GetAwaiter().GetResult();
        var services = new ServiceCollection();
        services.AddLogging();
        // Over TLS the node registered secure=true; the client trusts the run's CA only, as with MICRO_CLIENT_TLS_CA_FILE.
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(tls ? [new("Micro:Tls:CaFile", addresses.CaFile)] : [])
            .Build());
        services.AddMicroCore(o => o.Name = "bench-client").UseRegistry(registry);
        services.Configure<MicroClientOptions>(o => o.UseHttp2 = http2);
        node = service.Nodes[0];
        return services.BuildServiceProvider();
    }

    private const string BenchServiceName = BenchApps.MicroServiceName;

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        if (_large)
        {
            var reply = await _client.CallAsync<Payload, Payload>(BenchServiceName, "Bench.Echo", Messages.Large, _options, cancellationToken).ConfigureAwait(false);
            if (reply.Values.Count != Messages.Large.Values.Count)
            {
                throw new InvalidOperationException("Bench.Echo replied with a different message.");
            }

            return;
        }

        var hello = await _client.CallAsync<GreetRequest, GreetReply>(BenchServiceName, "Greeter.Hello", Messages.SmallJson, _options, cancellationToken).ConfigureAwait(false);
        if (hello.Message is not { Length: > 0 })
        {
            throw new InvalidOperationException("Greeter.Hello replied without a message.");
        }
    }

    public override void Dispose() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult(); // the registry cache is async-disposable only
}
