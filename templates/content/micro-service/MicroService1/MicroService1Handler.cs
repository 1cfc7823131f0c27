using MicroHosting;
using MicroService1.Contracts;

namespace MicroService1;

/// <summary>The handler: implements the contract generated from Protos/MicroService1.proto.</summary>
public sealed class MicroService1Handler : IMicroService1
{
    /// <summary>MicroService1.Hello: replies "Hello &lt;name&gt;"; an empty name is a bad request (400).</summary>
    public Task<HelloReply> HelloAsync(HelloRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw MicroException.BadRequest(MicroContext.Current?.Service ?? "microservice1", "name is required");
        }

        return Task.FromResult(new HelloReply { Message = $"Hello {request.Name}" });
    }
}
