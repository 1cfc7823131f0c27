using System.Numerics;

namespace MicroHosting.Benchmarks.Load;

/// <summary>
/// An HDR-style log-linear histogram of latencies in nanoseconds: exact below 128 ns, then 64 buckets per power of two
/// (under 1.6% error). Recording never allocates; one histogram per worker, merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBuckets = 64;
    private const int MaxShift = 40; // values up to ~2^47 ns (39 hours); larger values are clamped
    private readonly long[] _counts = new long[(SubBuckets * (MaxShift + 1)) + SubBuckets];

    /// <summary>Gets the number of recorded values.</summary>
    public long Count { get; private set; }

    /// <summary>Records one latency.</summary>
    /// <param name="nanoseconds">The latency in nanoseconds; negative counts as zero.</param>
    public void Record(long nanoseconds)
    {
        _counts[IndexOf(Math.Max(0, nanoseconds))]++;
        Count++;
    }

    /// <summary>Adds another histogram's counts to this one.</summary>
    /// <param name="other">The histogram to add.</param>
    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
    }

    /// <summary>Gets the latency at a percentile: the middle of the bucket that holds the value at that rank.</summary>
    /// <param name="percentile">Between 0 and 100.</param>
    /// <returns>The latency in nanoseconds; 0 when nothing was recorded.</returns>
    public double Percentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100 * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                var (low, high) = BucketRange(i);
                return (low + high) / 2.0;
            }
        }

        return BucketRange(_counts.Length - 1).High;
    }

    internal static int IndexOf(long value)
    {
        if (value < 2 * SubBuckets)
        {
            return (int)value;
        }

        var shift = Math.Min(63 - BitOperations.LeadingZeroCount((ulong)value) - 6, MaxShift);
        var top = Math.Min(value >> shift, (2 * SubBuckets) - 1); // 64..127
        return (SubBuckets * shift) + (int)top;
    }

    internal static (long Low, long High) BucketRange(int index)
    {
        if (index < 2 * SubBuckets)
        {
            return (index, index);
        }

        var shift = (index / SubBuckets) - 1;
        long top = (index % SubBuckets) + SubBuckets;
        return (top << shift, ((top + 1) << shift) - 1);
    }
}
