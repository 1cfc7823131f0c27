using Greeter.Contracts;
using MicroHosting.Client;

namespace Greeter.Client;

/// <summary>
/// A hand-written typed client for the greeter service, for callers that want to know which node served each call (the
/// Greeter demo prints it): <see cref="MicroResponse{T}"/> carries the node. Callers that want the reply only inject
/// <see cref="IGreeter"/>, generated from greeter.proto, as this project's Program does. Register it with
/// <c>services.AddMicroClient&lt;GreeterClient&gt;("greeter")</c>; every call finds a greeter node by name, and a failed
/// attempt is retried on another node.
/// </summary>
public sealed class GreeterClient(MicroServiceClient greeter)
{
    /// <summary>Calls <c>Greeter.Hello</c> and returns the reply with the node that served it.</summary>
    public Task<MicroResponse<HelloReply>> HelloAsync(string name, CancellationToken cancellationToken = default)
        => greeter.SendAsync<HelloRequest, HelloReply>("Greeter.Hello", new HelloRequest { Name = name }, cancellationToken: cancellationToken);
}
