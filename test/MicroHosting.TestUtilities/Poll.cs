namespace MicroHosting.TestUtilities;

/// <summary>Waits for conditions instead of fixed delays: a loaded 2-core CI machine can take far longer than a delay assumes.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls until <paramref name="condition"/> holds; returns whether it did within <paramref name="within"/> (a loose bound).</summary>
    /// <param name="condition">The condition.</param>
    /// <param name="within">How long to wait at most.</param>
    /// <returns><see langword="true"/> when the condition held.</returns>
    public static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + within;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(Interval).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Polls a growing count until it stops growing for <paramref name="quiet"/>, or <paramref name="within"/> passes,
    /// and returns its last value: for asserting that something stays bounded (an unbounded count keeps growing to the end).
    /// </summary>
    /// <param name="read">Reads the count.</param>
    /// <param name="quiet">How long the count must stay unchanged.</param>
    /// <param name="within">How long to wait at most.</param>
    /// <returns>The count when it settled (or when time ran out).</returns>
    public static async Task<long> SettledAsync(Func<long> read, TimeSpan quiet, TimeSpan within)
    {
        ArgumentNullException.ThrowIfNull(read);
        var deadline = DateTime.UtcNow + within;
        var last = read();
        var unchangedSince = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(Interval).ConfigureAwait(false);
            var now = read();
            if (now != last)
            {
                (last, unchangedSince) = (now, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - unchangedSince >= quiet)
            {
                break;
            }
        }

        return last;
    }
}
