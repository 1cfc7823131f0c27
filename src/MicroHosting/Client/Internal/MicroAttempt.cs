using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The one attempt step of every call, unary (<see cref="MicroResolutionHandler"/>) or stream
/// (<see cref="MicroStreamCall{TRequest, TResponse}"/>): <see cref="BeginAsync"/> picks the node (the call's fixed
/// address, or <see cref="MicroNodePicker"/>) and records it with its wire on the call's state; <see cref="CodecFor"/>
/// and <see cref="TimeoutFor"/> choose the codec and the attempt's own timeout; the <c>Record*</c> methods report the
/// outcome to <see cref="NodeHealth"/> (ejection, latency, probes) and to the state the retry rule reads
/// (<see cref="MicroRetryPredicate"/>). How the request is shaped for the node is its <see cref="MicroWire"/>'s business.
/// </summary>
internal sealed partial class MicroAttempt(MicroClientRuntime runtime, ILogger logger)
{
    /// <summary>
    /// Starts an attempt: picks its node and records it (with its wire, its peers and whether it is a probe) as the latest
    /// and as tried. Completes at once while the registry cache holds the service (no async step of its own); it waits only
    /// for the cache to ask the registry.
    /// </summary>
    public ValueTask<NodeCandidate> BeginAsync(MicroCallState state, CancellationToken cancellationToken)
    {
        try
        {
            var plan = state.Plan;
            if (plan.Address is { } address)
            {
                return new(Began(state, new(runtime.Cache.ForAddress(plan.Service, address), Peers: null, Probe: false)));
            }

            var picking = MicroNodePicker.PickAsync(runtime, state, cancellationToken);
            return picking.IsCompletedSuccessfully ? new(Began(state, picking.Result)) : BeginAfterPickAsync(state, picking);
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<NodeCandidate>(ex);
        }
    }

    private async ValueTask<NodeCandidate> BeginAfterPickAsync(MicroCallState state, ValueTask<MicroNodePicker.Picked> picking)
    {
        MicroNodePicker.Picked picked;
        try
        {
            picked = await picking.ConfigureAwait(false);
        }
        catch (MicroNodeNotFoundException ex)
        {
            LogSelectionFailed(state.Plan.Service, state.Plan.Endpoint, ex.Detail);
            throw;
        }

        return Began(state, picked);
    }

    private NodeCandidate Began(MicroCallState state, MicroNodePicker.Picked picked)
    {
        var plan = state.Plan;
        var node = picked.Node;
        state.Began(node, picked.Peers, picked.Probe);
        if (state.Attempts > 1)
        {
            runtime.Metrics.Retried(plan.Service, plan.Endpoint);
            LogRetrying(plan.Service, plan.Endpoint, state.Attempts, node.Node.Id, node.Node.HostPort);
        }

        node.State.Started();
        return node;
    }

    /// <summary>The codec of the attempt: the one the call fixed, else protobuf when the node takes it and both message types are protobuf messages, else JSON.</summary>
    public MicroCodec CodecFor(MicroCallState state, NodeCandidate node) => runtime.CodecFor(state.Plan, node);

    /// <summary>The attempt's own timeout (<see cref="MicroAttemptTimeout"/>), or <see langword="null"/> when the call's budget bounds it already.</summary>
    public TimeSpan? TimeoutFor(MicroCallState state) => MicroAttemptTimeout.For(state, runtime.TimeProvider);

    /// <summary>The node replied (any status below 500): its latency feeds the selector and slow-node detection.</summary>
    public void RecordReply(MicroCallState state, NodeCandidate node, long startedTimestamp)
    {
        var elapsed = runtime.TimeProvider.GetElapsedTime(startedTimestamp).Ticks;
        state.Plan.Latencies?.Add(elapsed);
        runtime.Health.Succeeded(node.State, elapsed, state.Peers);
    }

    /// <summary>The node answered with a server error: counts toward ejection; a 503 with <c>Retry-After</c> rests the node that long.</summary>
    public void RecordServerError(MicroCallState state, NodeCandidate node, int status, TimeSpan? retryAfter)
    {
        state.FailedStatus = status;
        if (status == 503 && retryAfter is { } pause)
        {
            runtime.Health.Unavailable(node.State, pause);
        }
        else
        {
            runtime.Health.ServerFailed(node.State, status);
        }
    }

    /// <summary>The attempt ran out of its own time: counts toward ejection as a timeout.</summary>
    public void RecordTimeout(MicroCallState state, NodeCandidate node, long startedTimestamp, Exception error)
    {
        runtime.Health.TimedOut(node.State, runtime.TimeProvider.GetElapsedTime(startedTimestamp).Ticks);
        state.AttemptTimedOut = true;
        state.Failed(node, error);
        LogFailed(state, node, error.Message);
    }

    /// <summary>The call's whole budget ran out while this node kept it waiting.</summary>
    public void RecordBudgetSpent(NodeCandidate node, long startedTimestamp)
        => runtime.Health.TimedOut(node.State, runtime.TimeProvider.GetElapsedTime(startedTimestamp).Ticks);

    /// <summary>The connection failed; <paramref name="notSent"/> when that proves the request never reached a handler.</summary>
    public void RecordTransportFailure(MicroCallState state, NodeCandidate node, Exception error, bool notSent, string? description = null)
    {
        runtime.Health.TransportFailed(node.State, error);
        state.NotSent = notSent;
        state.Failed(node, description is null ? error : new IOException(description, error));
        LogFailed(state, node, description ?? error.Message);
    }

    /// <summary>The stream opened on the node (its upgrade, and a server stream's first reply, came through).</summary>
    public void RecordOpened(NodeCandidate node) => runtime.Health.Succeeded(node.State);

    /// <summary>Logs a failed attempt (a stream's under its own event).</summary>
    public void LogFailed(MicroCallState state, NodeCandidate node, string error)
    {
        if (state.Plan.Stream)
        {
            LogStreamAttemptFailed(state.Service, state.Endpoint, node.Node.Id, node.Node.HostPort, state.Attempts, error);
        }
        else
        {
            LogAttemptFailed(state.Service, state.Endpoint, node.Node.Id, node.Node.HostPort, state.Attempts, error);
        }
    }

    /// <summary>Ends the attempt's hold on its node (outstanding count, probe), whatever the outcome.</summary>
    public static void End(MicroCallState state, NodeCandidate node)
    {
        node.State.Ended();
        if (state.Probe)
        {
            node.State.EndProbe();
        }
    }

    [LoggerMessage(EventId = MicroEventIds.AttemptFailed, EventName = "AttemptFailed", Level = LogLevel.Debug, Message = "Calling {Service} {Endpoint} on node {NodeId} at {Address} failed (attempt {Attempt}): {Error}")]
    private partial void LogAttemptFailed(string service, string? endpoint, string nodeId, string address, int attempt, string error);

    [LoggerMessage(EventId = MicroEventIds.StreamAttemptFailed, EventName = "StreamAttemptFailed", Level = LogLevel.Debug, Message = "Opening stream {Service} {Endpoint} on node {NodeId} at {Address} failed (attempt {Attempt}): {Error}")]
    private partial void LogStreamAttemptFailed(string service, string? endpoint, string nodeId, string address, int attempt, string error);

    [LoggerMessage(EventId = MicroEventIds.Retrying, EventName = "Retrying", Level = LogLevel.Information, Message = "Retrying {Service} {Endpoint}: attempt {Attempt} on node {NodeId} at {Address}.")]
    private partial void LogRetrying(string service, string? endpoint, int attempt, string nodeId, string address);

    [LoggerMessage(EventId = MicroEventIds.SelectionFailed, EventName = "SelectionFailed", Level = LogLevel.Warning, Message = "No node to call {Service} {Endpoint} on: {Reason}")]
    private partial void LogSelectionFailed(string service, string? endpoint, string reason);
}
