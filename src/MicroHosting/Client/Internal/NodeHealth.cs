using System.Collections.Concurrent;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Outlier ejection, a circuit breaker per node address. A transport failure ejects a node at once;
/// <see cref="MicroClientOptions.EjectionThreshold"/> server errors, attempt timeouts or slow replies in a row eject it
/// too. An ejected node is skipped for <see cref="MicroClientOptions.EjectionDuration"/> (longer after each ejection in a
/// row). After the cool-down the node is half-open: one call at a time probes it; a good reply closes the circuit, a
/// failure or a slow reply opens it again. Also keeps each node's load (attempts outstanding, latency) for the p2c selector.
/// </summary>
internal sealed partial class NodeHealth(TimeProvider timeProvider, IOptions<MicroClientOptions> options, ILogger<NodeHealth> logger, MicroHosting.Diagnostics.MicroMetrics? metrics = null)
{
    private const int MaxEjectionMultiplier = 10;
    private const int MinSlowSamples = 3;
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly long _ejectionTicks = options.Value.EjectionDuration.Ticks;
    private readonly int _threshold = options.Value.EjectionThreshold;
    private readonly double _slowFactor = options.Value.SlowNodeFactor;
    private readonly long _slowMinTicks = options.Value.SlowNodeMinLatency.Ticks;

    public NodeState Get(string hostPort) => _nodes.GetOrAdd(hostPort, static key => new NodeState(key));

    public long Now => timeProvider.GetUtcNow().UtcTicks;

    /// <summary>Gets whether the node is in its cool-down (not even a probe may go there).</summary>
    public bool IsEjected(NodeState node)
    {
        var until = node.EjectedUntil;
        return until != 0 && until > Now;
    }

    /// <summary>Gets whether the node's cool-down is over but it has not answered well since: only a probe may go there.</summary>
    public static bool IsHalfOpen(NodeState node) => node.EjectedUntil != 0;

    /// <summary>The node replied below 500 after <paramref name="elapsedTicks"/>; a reply much slower than its peers' counts as a failure.</summary>
    public void Succeeded(NodeState node, long elapsedTicks, NodeCandidate[]? peers)
    {
        var now = Now;
        node.AddLatency(elapsedTicks, now);
        if (IsSlow(node, now, peers) is { } slowBy)
        {
            Failed(node, $"replies {slowBy:0.#} times slower than the fastest node of its service");
            return;
        }

        Succeeded(node);
    }

    /// <summary>The node answered well (also for streams, whose latency is not comparable).</summary>
    public void Succeeded(NodeState node)
    {
        if (IsHalfOpen(node))
        {
            if (IsEjected(node))
            {
                return; // an attempt that started before the ejection; only the probe decides
            }

            LogReturned(node.HostPort);
        }

        node.Reset();
    }

    public void TransportFailed(NodeState node, Exception error)
    {
        if (!IsEjected(node))
        {
            node.AddFailure();
            Eject(node, error.Message);
        }
    }

    public void ServerFailed(NodeState node, int status) => Failed(node, $"{node.Failures + 1} server errors in a row (last {status})");

    /// <summary>An attempt on the node ran out of time: a failure, and its duration a latency sample, so p2c avoids the node at once.</summary>
    public void TimedOut(NodeState node, long elapsedTicks)
    {
        node.AddLatency(elapsedTicks, Now);
        Failed(node, $"no reply within {TimeSpan.FromTicks(elapsedTicks).TotalSeconds:0.###}s");
    }

    /// <summary>The node said it cannot serve for a while (<c>503</c> with <c>Retry-After</c>): skip it that long, without counting a failure.</summary>
    public void Unavailable(NodeState node, TimeSpan retryAfter)
    {
        var cap = _ejectionTicks * MaxEjectionMultiplier;
        var ticks = Math.Min(retryAfter.Ticks, cap);
        if (ticks > 0)
        {
            node.Pause(Now + ticks);
            LogUnavailable(node.HostPort, TimeSpan.FromTicks(ticks).TotalSeconds);
        }
    }

    /// <summary>The node registered again (it came back): use it at once.</summary>
    public void Restore(string hostPort)
    {
        if (_nodes.TryGetValue(hostPort, out var node) && node.EjectedUntil != 0)
        {
            node.Reset();
            LogRestored(hostPort);
        }
    }

    private void Failed(NodeState node, string reason)
    {
        if (IsEjected(node))
        {
            return; // an attempt that started before the ejection
        }

        // A probe that fails sends the node back to its cool-down at once; otherwise failures count up to the threshold.
        if (IsHalfOpen(node) || node.AddFailure() >= _threshold)
        {
            Eject(node, reason);
        }
    }

    private double? IsSlow(NodeState node, long now, NodeCandidate[]? peers)
    {
        var samples = node.Samples;
        if (_slowFactor <= 0 || peers is null || peers.Length < 2 || samples < (IsHalfOpen(node) ? 1 : MinSlowSamples))
        {
            return null;
        }

        var latency = node.Latency(now, 0);
        if (latency < _slowMinTicks)
        {
            return null;
        }

        var fastest = long.MaxValue;
        foreach (var peer in peers)
        {
            var state = peer.State;
            if (!ReferenceEquals(state, node) && state.Samples >= MinSlowSamples && !IsHalfOpen(state))
            {
                fastest = Math.Min(fastest, state.Latency(now, long.MaxValue));
            }
        }

        return fastest != long.MaxValue && latency > _slowFactor * Math.Max(fastest, 1) ? latency / (double)Math.Max(fastest, 1) : null;
    }

    private void Eject(NodeState node, string reason)
    {
        if (_ejectionTicks <= 0)
        {
            return;
        }

        var now = Now;
        var duration = _ejectionTicks * Math.Min(node.Ejections + 1, MaxEjectionMultiplier);
        if (!node.TryEject(now + duration, now))
        {
            return; // another failing call ejected it a moment ago
        }

        metrics?.Ejected(node.HostPort);
        LogEjected(node.HostPort, TimeSpan.FromTicks(duration).TotalSeconds, reason);
    }

    [LoggerMessage(EventId = MicroEventIds.NodeEjected, EventName = "NodeEjected", Level = LogLevel.Warning, Message = "Node {Address} ejected for {Seconds}s: {Reason}")]
    private partial void LogEjected(string address, double seconds, string reason);

    [LoggerMessage(EventId = MicroEventIds.NodeRestored, EventName = "NodeRestored", Level = LogLevel.Information, Message = "Node {Address} registered again; it is no longer ejected.")]
    private partial void LogRestored(string address);

    [LoggerMessage(EventId = MicroEventIds.NodeReturned, EventName = "NodeReturned", Level = LogLevel.Information, Message = "Node {Address} answered the probe after its cool-down; it is used again.")]
    private partial void LogReturned(string address);

    [LoggerMessage(EventId = MicroEventIds.NodeUnavailable, EventName = "NodeUnavailable", Level = LogLevel.Information, Message = "Node {Address} answered 503 with Retry-After; skipped for {Seconds}s.")]
    private partial void LogUnavailable(string address, double seconds);
}
