namespace MicroHosting.Tests.Client;

internal static class StreamingCollect
{
    /// <summary>Reads a stream to its end or its error, bounded in time so a hang fails the test instead of stalling it.</summary>
    public static async Task<(List<T> Items, Exception? Error)> CollectAsync<T>(this IAsyncEnumerable<T> stream, int max = int.MaxValue)
    {
        var items = new List<T>();
        var read = Task.Run(async () =>
        {
            await foreach (var item in stream)
            {
                items.Add(item);
                if (items.Count >= max)
                {
                    break;
                }
            }
        });
        try
        {
            await read.WaitAsync(TimeSpan.FromSeconds(30));
            return (items, null);
        }
        catch (TimeoutException)
        {
            throw;
        }
        catch (Exception ex)
        {
            return (items, ex);
        }
    }

    /// <summary>The rest of a stream whose first messages the test has read itself.</summary>
    public static async IAsyncEnumerable<T> RestOf<T>(this IAsyncEnumerator<T> enumerator)
    {
        while (await enumerator.MoveNextAsync())
        {
            yield return enumerator.Current;
        }
    }
}
