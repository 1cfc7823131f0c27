using MicroHosting.Benchmarks.Protos;
using MicroHosting.Benchmarks.Servers;
using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>
/// A MicroHosting server stream through the MicroHosting client (<see cref="IMicroClient.ServerStreamAsync{TRequest, TResponse}"/>)
/// by service name: registry cache, selector, one WebSocket per stream, protobuf chosen because the node takes it; with
/// <c>grpc</c>, the node registered as <c>protocol=grpc</c> (its h2c listener), so each stream is a gRPC stream, one
/// HTTP/2 call multiplexed on a shared connection.
/// </summary>
internal sealed class MicroStreamClientTarget : CallTarget
{
    private readonly ServiceProvider _provider;
    private readonly IMicroClient _client;
    private readonly CountRequest _request;
    private readonly int _count;
    private readonly bool _large;

    public MicroStreamClientTarget(ServerAddresses addresses, int count, bool large, bool grpc = false)
    {
        _provider = MicroClientTarget.CreateClientServices(addresses, out MicroNode _, grpc: grpc);
        _client = _provider.GetRequiredService<IMicroClient>();
        _request = new CountRequest { Count = count };
        _count = count;
        _large = large;
    }

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        var received = 0;
        if (_large)
        {
            await foreach (var _ in _client.ServerStreamAsync<CountRequest, Payload>(BenchApps.MicroServiceName, "Bench.Flood", _request, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                received++;
            }
        }
        else
        {
            await foreach (var _ in _client.ServerStreamAsync<CountRequest, CountReply>(BenchApps.MicroServiceName, "Bench.Count", _request, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                received++;
            }
        }

        StreamCheck.All(received, _count);
    }

    public override void Dispose() => _provider.DisposeAsync().AsTask().GetAwaiter().GetResult(); // the registry cache is async-disposable only
}
