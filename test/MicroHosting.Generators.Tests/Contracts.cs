using MicroHosting;

namespace MicroHosting.Generators.Tests;

public sealed record HelloRequest(string Name);

public sealed record HelloReply(string Message);

public sealed record CountRequest(int To);

public sealed record Number(int Value);

/// <summary>A contract as a user writes it: shared by the service (implements it) and its callers (get a generated client).</summary>
[MicroContract]
public interface IGreeter
{
    Task<HelloReply> HelloAsync(HelloRequest request, CancellationToken cancellationToken = default);

    ValueTask<HelloReply> Goodbye(HelloRequest request);

    [MicroEndpoint("Shout")]
    Task<HelloReply> LoudHelloAsync(HelloRequest request, CancellationToken cancellationToken = default);

    IAsyncEnumerable<Number> CountAsync(CountRequest request, CancellationToken cancellationToken = default);

    Task<Number> SumAsync(IAsyncEnumerable<Number> numbers, CancellationToken cancellationToken = default);

    // A default implementation is the contract's own code, not an endpoint.
    Task<HelloReply> HelloWorldAsync() => HelloAsync(new HelloRequest("World"));
}

/// <summary>A contract with an explicit prefix that differs from the interface name.</summary>
[MicroContract("Accounts")]
internal interface IAccountService
{
    Task<HelloReply> LookupAsync(HelloRequest request, CancellationToken cancellationToken);
}
