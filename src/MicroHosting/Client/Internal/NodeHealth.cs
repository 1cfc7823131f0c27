using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Outlier ejection, a circuit breaker per node address: a transport failure, or <see cref="MicroClientOptions.EjectionThreshold"/>
/// server errors in a row, open the node's circuit for <see cref="MicroClientOptions.EjectionDuration"/>; selectors skip it
/// meanwhile. After the cool-down the next call tries it again (half-open): a success closes the circuit, a failure opens it again.
/// </summary>
internal sealed partial class NodeHealth(TimeProvider timeProvider, IOptions<MicroClientOptions> options, ILogger<NodeHealth> logger, MicroHosting.Diagnostics.MicroMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly long _ejectionTicks = options.Value.EjectionDuration.Ticks;
    private readonly int _threshold = options.Value.EjectionThreshold;

    public NodeState Get(string hostPort) => _nodes.GetOrAdd(hostPort, static key => new NodeState(key));

    public bool IsEjected(NodeState node)
    {
        var until = node.EjectedUntil;
        return until != 0 && until > timeProvider.GetUtcNow().UtcTicks;
    }

    public void Succeeded(NodeState node) => node.Reset();

    public void TransportFailed(NodeState node, Exception error)
    {
        node.AddFailure();
        Eject(node, error.Message);
    }

    public void ServerFailed(NodeState node, int status)
    {
        if (node.AddFailure() >= _threshold)
        {
            Eject(node, $"{node.Failures} server errors in a row (last {status})");
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

    private void Eject(NodeState node, string reason)
    {
        if (_ejectionTicks <= 0)
        {
            return;
        }

        var now = timeProvider.GetUtcNow().UtcTicks;
        if (!node.TryEject(now + _ejectionTicks, now))
        {
            return; // another failing call ejected it a moment ago
        }

        metrics?.Ejected(node.HostPort);
        LogEjected(node.HostPort, TimeSpan.FromTicks(_ejectionTicks).TotalSeconds, reason);
    }

    [LoggerMessage(EventId = 300, EventName = "NodeEjected", Level = LogLevel.Warning, Message = "Node {Address} ejected for {Seconds}s: {Reason}")]
    private partial void LogEjected(string address, double seconds, string reason);

    [LoggerMessage(EventId = 301, EventName = "NodeRestored", Level = LogLevel.Information, Message = "Node {Address} registered again; it is no longer ejected.")]
    private partial void LogRestored(string address);
}
