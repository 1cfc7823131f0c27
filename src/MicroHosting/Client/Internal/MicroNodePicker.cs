using System.Buffers;
using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Picks the node of one attempt from the registry cache: healthy nodes not tried yet first, then healthy ones tried
/// already, then (every node ejected) any node; the call's filter always applies, and a stream only goes to MicroHosting
/// nodes. A node whose cool-down is over is a candidate while nobody probes it; the call that picks it takes the probe
/// (<see cref="MicroCallState.Probe"/>). Shared by unary calls (<see cref="MicroResolutionHandler"/>) and streams.
/// </summary>
internal static class MicroNodePicker
{
    /// <summary>
    /// The first part of every attempt, unary or stream: the node (the call's fixed address, or one picked from the
    /// registry cache), recorded on the call's state as the latest attempt's and as tried.
    /// </summary>
    public static async ValueTask<NodeCandidate> BeginAttemptAsync(MicroClientRuntime runtime, MicroCallState state, CancellationToken cancellationToken)
    {
        NodeCandidate node;
        if (state.Address is { } address)
        {
            node = runtime.Cache.ForAddress(state.Service, address);
            state.Peers = null;
            state.Probe = false;
        }
        else
        {
            node = await PickAsync(runtime, state, cancellationToken).ConfigureAwait(false);
        }

        state.Node = node;
        state.Attempts++;
        state.Tried(node.State);
        return node;
    }

    public static async ValueTask<NodeCandidate> PickAsync(MicroClientRuntime runtime, MicroCallState state, CancellationToken cancellationToken)
    {
        var snapshot = await runtime.Cache.GetAsync(state.Service, cancellationToken).ConfigureAwait(false);
        var all = snapshot.Nodes;
        if (all.Length == 0)
        {
            throw new MicroNodeNotFoundException(state.Service, $"service {state.Service}: not found (no node is registered in the {runtime.Cache.RegistryName} registry)");
        }

        state.Peers = all;
        state.Probe = false;
        var candidates = ArrayPool<NodeCandidate>.Shared.Rent(all.Length);
        var nodes = ArrayPool<MicroNode>.Shared.Rent(all.Length);
        try
        {
            var skipEjected = true;
            var count = Collect(runtime, all, state, candidates, nodes, skipEjected: true, skipTried: true);
            if (count == 0)
            {
                count = Collect(runtime, all, state, candidates, nodes, skipEjected: true, skipTried: false);
            }

            if (count == 0)
            {
                skipEjected = false;
                count = Collect(runtime, all, state, candidates, nodes, skipEjected: false, skipTried: false);
            }

            if (count == 0)
            {
                throw new MicroNodeNotFoundException(state.Service, state.Stream
                    ? $"service {state.Service}: not found ({all.Length} node(s) registered, none is a MicroHosting node matching the call's filter; streams need MicroHosting nodes)"
                    : $"service {state.Service}: not found ({all.Length} node(s) registered, none matches the call's filter)");
            }

            var picked = Select(state, candidates, nodes, count);
            if (skipEjected && NodeHealth.IsHalfOpen(picked.State) && !(state.Probe = picked.State.TryStartProbe()))
            {
                // Another call took the probe meanwhile: choose among the nodes in good standing.
                count = Collect(runtime, all, state, candidates, nodes, skipEjected: true, skipTried: true, skipHalfOpen: true);
                if (count == 0)
                {
                    count = Collect(runtime, all, state, candidates, nodes, skipEjected: true, skipTried: false, skipHalfOpen: true);
                }

                if (count > 0)
                {
                    picked = Select(state, candidates, nodes, count);
                }
            }

            return picked;
        }
        finally
        {
            ArrayPool<NodeCandidate>.Shared.Return(candidates, clearArray: true);
            ArrayPool<MicroNode>.Shared.Return(nodes, clearArray: true);
        }
    }

    private static NodeCandidate Select(MicroCallState state, NodeCandidate[] candidates, MicroNode[] nodes, int count)
    {
        var index = count == 1 ? 0
            : state.Selector is PeakEwmaNodeSelector p2c ? p2c.Select(candidates.AsSpan(0, count))
            : state.Selector!.Select(state.Service, nodes.AsSpan(0, count));
        if ((uint)index >= (uint)count)
        {
            throw new InvalidOperationException($"The selector {state.Selector!.GetType().Name} returned index {index} for {count} candidate(s).");
        }

        return candidates[index];
    }

    private static int Collect(
        MicroClientRuntime runtime, NodeCandidate[] all, MicroCallState state, NodeCandidate[] candidates, MicroNode[] nodes, bool skipEjected, bool skipTried, bool skipHalfOpen = false)
    {
        var count = 0;
        foreach (var candidate in all)
        {
            var node = candidate.State;
            if ((state.Stream && !candidate.Native)
                || (skipTried && state.HasTried(node))
                || (skipEjected && (runtime.Health.IsEjected(node) || (NodeHealth.IsHalfOpen(node) && (skipHalfOpen || node.Probing))))
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
