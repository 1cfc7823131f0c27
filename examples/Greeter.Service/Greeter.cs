using Greeter.Contracts;
using MicroHosting;

namespace Greeter.Service;

/// <summary>
/// The Greeter handler: implements <see cref="IGreeter"/>, which the MicroHosting generator makes from greeter.proto's
/// <c>service Greeter</c>, so its endpoint is <c>Greeter.Hello</c> as Go Micro's protoc-gen-micro names it.
/// </summary>
public sealed class Greeter : IGreeter
{
    /// <summary>
    /// Replies "Hello &lt;name&gt;"; an empty name is a bad request. Idempotent (it changes nothing), so callers retry it on
    /// another node after a timeout or a 500, where a handler without the mark would run at most once per call.
    /// </summary>
    [MicroIdempotent]
    public Task<HelloReply> HelloAsync(HelloRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            throw MicroException.BadRequest(MicroContext.Current?.Service ?? "greeter", "name is required");
        }

        return Task.FromResult(new HelloReply { Message = $"Hello {request.Name}" });
    }
}
