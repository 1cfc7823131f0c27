using System.Net;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Token buckets per sender address: each sender gets at most <c>perSecond</c> permits a second, with a burst of as
/// many, so one flooding sender cannot use up the answers meant for others. At most <see cref="MaxSenders"/> senders
/// are tracked; when the table is full, senders whose bucket has refilled are forgotten (they lose nothing), and if
/// none has, the stalest is.
/// </summary>
internal sealed class MdnsRateLimiter(TimeProvider timeProvider, int perSecond)
{
    public const int MaxSenders = 1024;

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, (double Tokens, long Last)> _senders = [];

    public int TrackedSenders
    {
        get
        {
            lock (_gate)
            {
                return _senders.Count;
            }
        }
    }

    public bool TryAcquire(IPAddress sender)
    {
        lock (_gate)
        {
            var now = timeProvider.GetTimestamp();
            if (!_senders.TryGetValue(sender, out var bucket))
            {
                if (_senders.Count >= MaxSenders)
                {
                    Forget(now);
                }

                bucket = (perSecond, now);
            }

            var tokens = Refill(bucket, now);
            var granted = tokens >= 1;
            _senders[sender] = (granted ? tokens - 1 : tokens, now);
            return granted;
        }
    }

    private double Refill((double Tokens, long Last) bucket, long now)
        => Math.Min(perSecond, bucket.Tokens + (timeProvider.GetElapsedTime(bucket.Last, now).TotalSeconds * perSecond));

    private void Forget(long now)
    {
        foreach (var (address, bucket) in _senders.ToArray())
        {
            if (Refill(bucket, now) >= perSecond)
            {
                _senders.Remove(address);
            }
        }

        if (_senders.Count >= MaxSenders)
        {
            _senders.Remove(_senders.MinBy(p => p.Value.Last).Key);
        }
    }
}
