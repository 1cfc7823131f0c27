using System.Collections.Concurrent;
using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>Each service's nodes in turn, across calls (Go Micro's round robin turns only within one call's retries).</summary>
internal sealed class RoundRobinNodeSelector : IMicroNodeSelector
{
    public const string Name = "roundrobin";

    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);

    public int Select(string service, ReadOnlySpan<MicroNode> candidates)
    {
        var counter = _counters.GetOrAdd(service, static _ => new Counter());
        var next = (uint)Interlocked.Increment(ref counter.Value) - 1;
        return (int)(next % (uint)candidates.Length);
    }

    private sealed class Counter
    {
        public int Value;
    }
}
