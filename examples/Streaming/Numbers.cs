using System.Runtime.CompilerServices;

namespace Streaming;

/// <summary>The streaming handlers, mapped with <c>app.MapMicroHandlers&lt;Numbers&gt;()</c> as Numbers.Count, Numbers.Sum and Numbers.Running.</summary>
public sealed class Numbers
{
    /// <summary>Server streaming: one request in, the numbers out, as the caller reads them.</summary>
    public async IAsyncEnumerable<Number> Count(CountRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= request.To; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Number(i);
        }
    }

    /// <summary>Client streaming: numbers in, one total out.</summary>
    public async Task<Total> Sum(IAsyncEnumerable<Number> numbers, CancellationToken cancellationToken)
    {
        long sum = 0;
        var count = 0;
        await foreach (var number in numbers.WithCancellation(cancellationToken))
        {
            sum += number.Value;
            count++;
        }

        return new Total(sum, count);
    }

    /// <summary>Bidirectional: a running total for every number, while the caller is still sending.</summary>
    public async IAsyncEnumerable<Total> Running(IAsyncEnumerable<Number> numbers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long sum = 0;
        var count = 0;
        await foreach (var number in numbers.WithCancellation(cancellationToken))
        {
            sum += number.Value;
            yield return new Total(sum, ++count);
        }
    }
}
