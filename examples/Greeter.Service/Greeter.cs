using Greeter.Contracts;
using MicroHosting;

namespace Greeter.Service;

/// <summary>The Greeter handler: each public async method is an endpoint, here <c>Greeter.Hello</c>.</summary>
public sealed class Greeter
{
    /// <summary>
    /// Replies "Hello &lt;name&gt;"; an empty name is a bad request. Idempotent (it changes nothing), so callers retry it on
    /// another node after a timeout or a 500, where a handler without the mark would run at most once per call.
    /// </summary>
    [MicroIdempotent]
    public Task<HelloReply> Hello(HelloRequest request, MicroContext context, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw MicroException.BadRequest(context.Service, "name is required");
        }

        return Task.FromResult(new HelloReply { Message = $"Hello {request.Name}" });
    }
}
