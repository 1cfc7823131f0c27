using Grpc.Core;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>The gRPC baseline: the same two calls as the MicroHosting endpoints.</summary>
internal sealed class BenchGrpcService : Bench.BenchBase
{
    public override Task<HelloReply> Hello(HelloRequest request, ServerCallContext context)
        => Task.FromResult(new HelloReply { Message = "Hello " + request.Name });

    public override Task<Payload> Echo(Payload request, ServerCallContext context) => Task.FromResult(request);

    public override async Task Count(CountRequest request, IServerStreamWriter<CountReply> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(new CountReply { Sequence = i, Text = "item" }, context.CancellationToken).ConfigureAwait(false);
        }
    }

    public override async Task Flood(CountRequest request, IServerStreamWriter<Payload> responseStream, ServerCallContext context)
    {
        for (var i = 0; i < request.Count; i++)
        {
            await responseStream.WriteAsync(Messages.Large, context.CancellationToken).ConfigureAwait(false);
        }
    }
}
