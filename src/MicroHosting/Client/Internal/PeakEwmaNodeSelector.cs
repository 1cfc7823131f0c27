using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Power of two choices over load (Finagle's and Linkerd's P2C with peak EWMA): draws two candidates at random and takes
/// the one with the lower cost, its latency average times its attempts outstanding plus one. A slow or hung node's cost
/// grows with its first slow reply or its first attempts left hanging, so calls steer away from it long before ejection;
/// healthy nodes share the load evenly. A node without samples counts as fast as the fastest known one, so a new node
/// gets traffic at once.
/// </summary>
internal sealed class PeakEwmaNodeSelector(TimeProvider timeProvider) : IMicroNodeSelector
{
    public const string Name = "p2c";

    /// <summary>Without node state (a selector called directly), a node at random.</summary>
    public int Select(string service, ReadOnlySpan<MicroNode> candidates) => candidates.Length == 1 ? 0 : Random.Shared.Next(candidates.Length);

    public int Select(ReadOnlySpan<NodeCandidate> candidates)
    {
        if (candidates.Length == 1)
        {
            return 0;
        }

        var first = Random.Shared.Next(candidates.Length);
        var second = Random.Shared.Next(candidates.Length - 1);
        if (second >= first)
        {
            second++;
        }

        var now = timeProvider.GetUtcNow().UtcTicks;
        var unknown = long.MaxValue;
        foreach (var candidate in candidates)
        {
            unknown = Math.Min(unknown, candidate.State.Latency(now, long.MaxValue));
        }

        unknown = unknown == long.MaxValue ? 0 : unknown;
        return Cost(candidates[second].State, now, unknown) < Cost(candidates[first].State, now, unknown) ? second : first;
    }

    private static double Cost(NodeState node, long now, long unknown) => (node.Latency(now, unknown) + 1.0) * (node.Outstanding + 1);
}
