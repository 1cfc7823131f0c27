using System.Buffers;
using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Picks the node of one attempt from the registry cache: healthy nodes not tried yet first, then healthy ones tried
/// already, then (every node ejected) any node; the call's filter always applies, and a stream only goes to MicroHosting
/// nodes. Shared by unary calls (<see cref="MicroResolutionHandler"/>) and streams.
/// </summary>
internal static class MicroNodePicker
{
    public static async ValueTask<NodeCandidate> PickAsync(MicroClientRuntime runtime, MicroCallState state, CancellationToken cancellationToken)
    {
        var snapshot = await runtime.Cache.GetAsync(state.Service, cancellationToken).ConfigureAwait(false);
        var all = snapshot.Nodes;
        if (all.Length == 0)
        {
            throw new MicroNodeNotFoundException(state.Service, $"service {state.Service}: not found (no node is registered in the {runtime.Cache.RegistryName} registry)");
        }

        var candidates = ArrayPool<NodeCandidate>.Shared.Rent(all.Length);
        var nodes = ArrayPool<MicroNode>.Shared.Rent(all.Length);
        try
        {
            var count = Collect(runtime, all, state, candidates, nodes, skipEjected: true, skipTried: true);
            if (count == 0)
            {
                count = Collect(runtime, all, state, candidates, nodes, skipEjected: true, skipTried: false);
            }

            if (count == 0)
            {
                count = Collect(runtime, all, state, candidates, nodes, skipEjected: false, skipTried: false);
            }

            if (count == 0)
            {
                throw new MicroNodeNotFoundException(state.Service, state.Stream
                    ? $"service {state.Service}: not found ({all.Length} node(s) registered, none is a MicroHosting node matching the call's filter; streams need MicroHosting nodes)"
                    : $"service {state.Service}: not found ({all.Length} node(s) registered, none matches the call's filter)");
            }

            var index = count == 1 ? 0 : state.Selector!.Select(state.Service, nodes.AsSpan(0, count));
            if ((uint)index >= (uint)count)
            {
                throw new InvalidOperationException($"The selector {state.Selector!.GetType().Name} returned index {index} for {count} candidate(s).");
            }

            return candidates[index];
        }
        finally
        {
            ArrayPool<NodeCandidate>.Shared.Return(candidates, clearArray: true);
            ArrayPool<MicroNode>.Shared.Return(nodes, clearArray: true);
        }
    }

    private static int Collect(MicroClientRuntime runtime, NodeCandidate[] all, MicroCallState state, NodeCandidate[] candidates, MicroNode[] nodes, bool skipEjected, bool skipTried)
    {
        var count = 0;
        foreach (var candidate in all)
        {
            if ((state.Stream && !candidate.Native)
                || (skipTried && state.HasTried(candidate.State))
                || (skipEjected && runtime.Health.IsEjected(candidate.State))
                || (state.Filter is { } filter && !filter(candidate.Service, candidate.Node)))
            {
                continue;
            }

            candidates[count] = candidate;
            nodes[count] = candidate.Node;
            count++;
        }

        return count;
    }
}
