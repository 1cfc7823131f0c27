using System.Runtime.CompilerServices;

namespace MicroHosting.Server.Internal;

/// <summary>Presents every stream kind as one shape, a stream in and a stream out, so one transport serves them all.</summary>
internal static class MicroStreamAdapters
{
    /// <summary>Server streaming: exactly one request in.</summary>
    public static async IAsyncEnumerable<TResponse> ServerStream<TRequest, TResponse>(
        IAsyncEnumerable<TRequest> input,
        MicroContext context,
        Func<TRequest, MicroContext, IAsyncEnumerable<TResponse>> handler)
    {
        TRequest request;
        await using (var requests = input.GetAsyncEnumerator(context.CancellationToken))
        {
            if (!await requests.MoveNextAsync().ConfigureAwait(false))
            {
                throw MicroException.BadRequest(context.Service, $"{context.Endpoint} expects one request message before the stream starts; none arrived.");
            }

            request = requests.Current;
        }

        await foreach (var item in handler(request, context).WithCancellation(context.CancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Client streaming: the single response as a one-item stream.</summary>
    public static async IAsyncEnumerable<TResponse> Single<TResponse>(ValueTask<TResponse> response, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return await response.ConfigureAwait(false);
    }
}
