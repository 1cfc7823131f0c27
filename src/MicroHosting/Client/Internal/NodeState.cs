namespace MicroHosting.Client.Internal;

/// <summary>The health of one node address: consecutive failures and, while ejected, until when. Shared by every call.</summary>
internal sealed class NodeState(string hostPort)
{
    private long _ejectedUntil;
    private int _failures;

    public string HostPort { get; } = hostPort;

    public long EjectedUntil => Volatile.Read(ref _ejectedUntil);

    public int Failures => Volatile.Read(ref _failures);

    public int AddFailure() => Interlocked.Increment(ref _failures);

    /// <summary>
    /// Opens the circuit until <paramref name="until"/> unless it is already open at <paramref name="now"/>. Returns
    /// whether this call opened it, so calls failing together report one ejection, not one each.
    /// </summary>
    public bool TryEject(long until, long now)
    {
        while (true)
        {
            var current = Volatile.Read(ref _ejectedUntil);
            if (current != 0 && current > now)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _ejectedUntil, until, current) == current)
            {
                return true;
            }
        }
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
    }
}
