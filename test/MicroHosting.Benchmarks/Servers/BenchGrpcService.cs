using Grpc.Core;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>The gRPC baseline: the same two calls as the MicroHosting endpoints.</summary>
internal sealed class BenchGrpcService : Bench.BenchBase
{
    public override Task<HelloReply> Hello(HelloRequest request, ServerCallContext context)
        => Task.FromResult(new HelloReply { Message = "Hello " + request.Name });

    public override Task<Payload> Echo(Payload request, ServerCallContext context) => Task.FromResult(request);
}
