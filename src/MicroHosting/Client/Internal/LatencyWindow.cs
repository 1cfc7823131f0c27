namespace MicroHosting.Client.Internal;

/// <summary>
/// The latest reply latencies of one endpoint (a ring of <see cref="Capacity"/> samples, across its nodes), for hedging
/// after a percentile (<see cref="MicroServicePolicy.HedgeAfterPercentile"/>). The percentile is worked out again only
/// after <see cref="RecomputeEvery"/> new samples, so a hedged call reads a cached value.
/// </summary>
internal sealed class LatencyWindow
{
    /// <summary>How many samples the window keeps.</summary>
    public const int Capacity = 256;

    /// <summary>How many samples a percentile needs; until then hedging falls back to the fixed delay, if any.</summary>
    public const int MinSamples = 20;

    private const int RecomputeEvery = 16;
    private readonly long[] _samples = new long[Capacity];
    private readonly Lock _lock = new();
    private long _count;
    private long _computedAt = -1;
    private double _computedFor = double.NaN;
    private long _computed;

    /// <summary>Gets how many samples were ever added.</summary>
    public long Count => Volatile.Read(ref _count);

    public void Add(long elapsedTicks)
    {
        lock (_lock)
        {
            _samples[_count % Capacity] = elapsedTicks;
            _count++;
        }
    }

    /// <summary>Gets the <paramref name="percentile"/> (0 to 1) of the samples, or <see langword="null"/> with fewer than <see cref="MinSamples"/>.</summary>
    public TimeSpan? Percentile(double percentile)
    {
        lock (_lock)
        {
            if (_count < MinSamples)
            {
                return null;
            }

            if (_computedFor != percentile || _count - _computedAt >= RecomputeEvery)
            {
                var n = (int)Math.Min(_count, Capacity);
                var sorted = new long[n];
                Array.Copy(_samples, sorted, n);
                Array.Sort(sorted);

                // Nearest rank: the smallest sample with at least that share of samples at or below it.
                var rank = (int)Math.Ceiling(percentile * n);
                _computed = sorted[Math.Clamp(rank - 1, 0, n - 1)];
                _computedAt = _count;
                _computedFor = percentile;
            }

            return TimeSpan.FromTicks(Math.Max(_computed, TimeSpan.TicksPerMillisecond));
        }
    }
}
