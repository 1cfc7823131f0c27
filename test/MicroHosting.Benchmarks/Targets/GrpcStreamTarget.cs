using Grpc.Core;
using Grpc.Net.Client;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>The streaming baseline: one gRPC server stream of <paramref name="count"/> messages per call.</summary>
internal sealed class GrpcStreamTarget(Uri address, int count, bool large) : CallTarget
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false },
    });

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        var client = new Bench.BenchClient(_channel);
        var request = new CountRequest { Count = count };
        var received = 0;
        if (large)
        {
            using var call = client.Flood(request, cancellationToken: cancellationToken);
            await foreach (var _ in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                received++;
            }
        }
        else
        {
            using var call = client.Count(request, cancellationToken: cancellationToken);
            await foreach (var _ in call.ResponseStream.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                received++;
            }
        }

        StreamCheck.All(received, count);
    }

    public override void Dispose() => _channel.Dispose();
}
