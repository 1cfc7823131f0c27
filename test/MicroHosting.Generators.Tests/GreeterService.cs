using System.Runtime.CompilerServices;

namespace MicroHosting.Generators.Tests;

/// <summary>The service side of <see cref="IGreeter"/>, mapped with MapMicroHandlers; one method implemented explicitly.</summary>
public sealed class GreeterService : IGreeter
{
    public Task<HelloReply> HelloAsync(HelloRequest request, CancellationToken cancellationToken = default)
        => Task.FromResult(new HelloReply($"Hello {request.Name}"));

    public ValueTask<HelloReply> Goodbye(HelloRequest request) => new(new HelloReply($"Goodbye {request.Name}"));

    public async IAsyncEnumerable<Number> CountAsync(CountRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        for (var i = 1; i <= request.To; i++)
        {
            await Task.Yield();
            yield return new Number(i);
        }
    }

    public async Task<Number> SumAsync(IAsyncEnumerable<Number> numbers, CancellationToken cancellationToken = default)
    {
        var sum = 0;
        await foreach (var number in numbers.WithCancellation(cancellationToken))
        {
            sum += number.Value;
        }

        return new Number(sum);
    }

    // Not part of the contract: keeps the class's own name, as before contracts.
    public Task<HelloReply> Extra(HelloRequest request) => Task.FromResult(new HelloReply($"Extra {request.Name}"));

    Task<HelloReply> IGreeter.LoudHelloAsync(HelloRequest request, CancellationToken cancellationToken)
        => Task.FromResult(new HelloReply($"HELLO {request.Name.ToUpperInvariant()}"));
}
