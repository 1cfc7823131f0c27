namespace MicroHosting.Client.Internal;

/// <summary>
/// The health and load of one node address, shared by every call: consecutive failures and, while ejected, until when;
/// how many times in a row it was ejected; whether the probe after a cool-down is in flight; the attempts outstanding on
/// it and a peak-sensitive moving average of its latency (for the <c>p2c</c> selector and slow-node detection).
/// </summary>
internal sealed class NodeState(string hostPort)
{
    private const long HalfLife = 5 * TimeSpan.TicksPerSecond;
    private long _ejectedUntil;
    private int _failures;
    private int _ejections;
    private int _probing;
    private int _outstanding;
    private long _latencyTicks;
    private long _latencyStamp;
    private int _samples;

    public string HostPort { get; } = hostPort;

    public long EjectedUntil => Volatile.Read(ref _ejectedUntil);

    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Gets how many times in a row the node was ejected (reset by a successful probe); each ejection lasts longer.</summary>
    public int Ejections => Volatile.Read(ref _ejections);

    /// <summary>Gets the attempts in flight on the node.</summary>
    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>Gets how many latency samples the average holds (capped; reset on ejection).</summary>
    public int Samples => Volatile.Read(ref _samples);

    public int AddFailure() => Interlocked.Increment(ref _failures);

    /// <summary>
    /// Ejects the node until <paramref name="until"/> unless it is already ejected at <paramref name="now"/>. Returns
    /// whether this call ejected it, so calls failing together count and report one ejection, not one each.
    /// </summary>
    public bool TryEject(long until, long now)
    {
        var current = Volatile.Read(ref _ejectedUntil);
        if (current > now || Interlocked.CompareExchange(ref _ejectedUntil, until, current) != current)
        {
            return false;
        }

        Interlocked.Increment(ref _ejections);
        Volatile.Write(ref _samples, 0);
        Volatile.Write(ref _probing, 0);
        return true;
    }

    /// <summary>Skips the node until <paramref name="until"/> without counting an ejection (the node asked for it).</summary>
    public void Pause(long until)
    {
        Volatile.Write(ref _ejectedUntil, until);
        Volatile.Write(ref _probing, 0);
    }

    /// <summary>Takes the node's one probe slot after its cool-down; <see langword="false"/> when another call probes it already.</summary>
    public bool TryStartProbe() => Interlocked.CompareExchange(ref _probing, 1, 0) == 0;

    public bool Probing => Volatile.Read(ref _probing) != 0;

    public void EndProbe() => Volatile.Write(ref _probing, 0);

    public void Started() => Interlocked.Increment(ref _outstanding);

    public void Ended() => Interlocked.Decrement(ref _outstanding);

    /// <summary>
    /// Adds a latency sample: a sample above the average replaces it at once (peak), a lower one pulls it down by a
    /// fifth, as Linkerd's and Finagle's peak EWMA do, so a node that turns slow is seen at its first slow reply.
    /// </summary>
    public void AddLatency(long ticks, long now)
    {
        var current = Volatile.Read(ref _latencyTicks);
        var next = Volatile.Read(ref _samples) == 0 || ticks >= current ? ticks : current + ((ticks - current) / 5);
        Volatile.Write(ref _latencyTicks, next);
        Volatile.Write(ref _latencyStamp, now);
        if (Volatile.Read(ref _samples) < 1000)
        {
            Interlocked.Increment(ref _samples);
        }
    }

    /// <summary>
    /// Gets the latency average, decayed with the time since its last sample (half-life 5 s), so a node that was slow
    /// once is tried again after a while rather than avoided forever; <paramref name="unknown"/> before the first sample.
    /// </summary>
    public long Latency(long now, long unknown)
    {
        if (Volatile.Read(ref _samples) == 0)
        {
            return unknown;
        }

        var latency = Volatile.Read(ref _latencyTicks);
        var age = now - Volatile.Read(ref _latencyStamp);
        return age <= HalfLife ? latency : (long)(latency * Math.Pow(0.5, (double)age / HalfLife));
    }

    public void Reset()
    {
        // Reads first: a healthy node's call path then never writes to shared memory.
        if (Volatile.Read(ref _failures) != 0)
        {
            Volatile.Write(ref _failures, 0);
        }

        if (Volatile.Read(ref _ejectedUntil) != 0)
        {
            Volatile.Write(ref _ejectedUntil, 0);
        }

        if (Volatile.Read(ref _ejections) != 0)
        {
            Volatile.Write(ref _ejections, 0);
        }
    }
}
