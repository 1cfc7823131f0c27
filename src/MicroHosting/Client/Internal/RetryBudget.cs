namespace MicroHosting.Client.Internal;

/// <summary>
/// One service's retry budget (Finagle's RetryBudget, gRPC's retry throttling): over a sliding window of ten one-second
/// buckets, retries may be at most <see cref="MicroClientOptions.RetryBudgetRatio"/> of the calls plus
/// <see cref="MicroClientOptions.MinRetriesPerSecond"/> per second. Counts are approximate under races, never unbounded.
/// </summary>
internal sealed class RetryBudget(double ratio, int minPerSecond)
{
    private const int Buckets = 10;
    private readonly Bucket[] _buckets = [.. Enumerable.Range(0, Buckets).Select(_ => new Bucket())];

    /// <summary>Counts a call.</summary>
    public void Deposit(long now) => Current(now).AddCall();

    /// <summary>Takes one retry from the budget; <see langword="false"/> when the budget is spent.</summary>
    public bool TryWithdraw(long now)
    {
        var second = now / TimeSpan.TicksPerSecond;
        long calls = 0;
        long retries = 0;
        foreach (var bucket in _buckets)
        {
            if (bucket.Second > second - Buckets)
            {
                calls += bucket.Calls;
                retries += bucket.Retries;
            }
        }

        if (retries + 1 > (calls * ratio) + ((long)minPerSecond * Buckets))
        {
            return false;
        }

        Current(now).AddRetry();
        return true;
    }

    private Bucket Current(long now)
    {
        var second = now / TimeSpan.TicksPerSecond;
        var bucket = _buckets[(int)(second % Buckets)];
        if (bucket.Second != second)
        {
            bucket.Restart(second);
        }

        return bucket;
    }

    private sealed class Bucket
    {
        private readonly Lock _gate = new();
        private long _second = long.MinValue;
        private int _calls;
        private int _retries;

        public long Second => Volatile.Read(ref _second);

        public int Calls => Volatile.Read(ref _calls);

        public int Retries => Volatile.Read(ref _retries);

        public void AddCall() => Interlocked.Increment(ref _calls);

        public void AddRetry() => Interlocked.Increment(ref _retries);

        public void Restart(long second)
        {
            lock (_gate)
            {
                if (_second != second)
                {
                    Volatile.Write(ref _calls, 0);
                    Volatile.Write(ref _retries, 0);
                    Volatile.Write(ref _second, second);
                }
            }
        }
    }
}
