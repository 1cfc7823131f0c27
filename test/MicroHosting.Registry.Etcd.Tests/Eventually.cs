namespace MicroHosting.Registry.Etcd.Tests;

internal static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="within"/> passes.</summary>
    public static async Task<bool> TrueAsync(Func<Task<bool>> condition, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        while (!timeout.IsCancellationRequested)
        {
            try
            {
                if (await condition())
                {
                    return true;
                }
            }
            catch (MicroException)
            {
                // etcd not reachable yet: keep polling.
            }

            await Task.Delay(200, CancellationToken.None);
        }

        return await condition();
    }
}
