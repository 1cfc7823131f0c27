namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A token bucket: at most <c>perSecond</c> permits a second, with a burst of as many. Guards unicast replies against query floods.</summary>
internal sealed class MdnsRateLimiter(TimeProvider timeProvider, int perSecond)
{
    private readonly Lock _gate = new();
    private double _tokens = perSecond;
    private long _last = timeProvider.GetTimestamp();

    public bool TryAcquire()
    {
        lock (_gate)
        {
            var now = timeProvider.GetTimestamp();
            _tokens = Math.Min(perSecond, _tokens + (timeProvider.GetElapsedTime(_last, now).TotalSeconds * perSecond));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
