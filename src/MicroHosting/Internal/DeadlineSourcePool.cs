using System.Collections.Concurrent;

namespace MicroHosting.Internal;

/// <summary>
/// The sources that cancel a unary call at its deadline, reused across calls as Kestrel reuses the source behind
/// <c>RequestAborted</c>: on the server, a request's deadline (Go Micro's <c>Timeout</c> header), where a source and its
/// timer per request were the largest item of the server's allocations (18% of its sampled bytes, the timer alone) for a
/// client that sends a deadline (reused, the server allocates 1,088 -> 944 B per call, unary benchmark,
/// <c>IMicroClient</c> small JSON); on the client, a call's whole budget (<see cref="Client.Internal.MicroCallDeadline"/>). Only sources on
/// <see cref="TimeProvider.System"/> are reused (another time provider's timer is its own); a source that fired, or
/// that <see cref="CancellationTokenSource.TryReset"/> cannot stop, is disposed instead.
/// </summary>
internal static class DeadlineSourcePool
{
    // Enough for the requests one process serves and the calls it makes at once; past it, sources are simply not kept.
    private const int MaxPooled = 1024;
    private static readonly ConcurrentQueue<CancellationTokenSource> Pool = new();
    private static int _count;

    /// <summary>A source that cancels after <paramref name="delay"/> on <paramref name="timeProvider"/>.</summary>
    public static CancellationTokenSource Rent(TimeSpan delay, TimeProvider timeProvider)
    {
        if (timeProvider != TimeProvider.System)
        {
            return new CancellationTokenSource(delay, timeProvider);
        }

        if (Pool.TryDequeue(out var source))
        {
            Interlocked.Decrement(ref _count);
        }
        else
        {
            source = new CancellationTokenSource();
        }

        if (delay > TimeSpan.Zero)
        {
            source.CancelAfter(delay);
        }
        else
        {
            // The deadline has passed already: canceled from the start, as a source created with a zero delay is.
            source.Cancel();
        }

        return source;
    }

    /// <summary>Gives a source back once its request is over; nothing may use its token afterwards.</summary>
    public static void Return(CancellationTokenSource source, TimeProvider timeProvider)
    {
        if (timeProvider == TimeProvider.System && Volatile.Read(ref _count) < MaxPooled && source.TryReset())
        {
            Interlocked.Increment(ref _count);
            Pool.Enqueue(source);
            return;
        }

        source.Dispose();
    }
}
