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

    public void Eject(long until) => Volatile.Write(ref _ejectedUntil, until);

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
