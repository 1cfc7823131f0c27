namespace MicroHosting.Hosting.Internal;

/// <summary>
/// The one loop that keeps a registration alive, for the service and for the http broker's subscriptions: re-register
/// every interval; after a failure retry sooner, with exponential backoff from 1 s (capped at 30 s and at the interval).
/// </summary>
internal static class RegistrationRefresh
{
    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="tryRegister">One attempt; <see langword="false"/> when it failed (it logs why).</param>
    /// <param name="registered">Whether the registration before the loop succeeded.</param>
    /// <param name="interval">The refresh interval.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Stops the loop.</param>
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> tryRegister, bool registered, TimeSpan interval, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var retryDelay = FirstRetryDelay;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var delay = registered ? interval : (retryDelay < interval ? retryDelay : interval);
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                registered = await tryRegister(cancellationToken).ConfigureAwait(false);
                retryDelay = registered ? FirstRetryDelay : TimeSpan.FromTicks(Math.Min(retryDelay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
