using MicroHosting;
using MicroApp1.Contracts;

namespace MicroApp1;

/// <summary>The handler: implements the contract generated from Protos/MicroApp1.proto.</summary>
public sealed class MicroApp1Handler : IMicroApp1
{
    /// <summary>MicroApp1.Hello: replies "Hello &lt;name&gt;"; an empty name is a bad request (400).</summary>
    public Task<HelloReply> HelloAsync(HelloRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw MicroException.BadRequest(MicroContext.Current?.Service ?? "microapp1", "name is required");
        }

        return Task.FromResult(new HelloReply { Message = $"Hello {request.Name}" });
    }
}
