using MicroHosting.Registry;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// One subscriber node of a topic as a publisher sees it: the node, its group (<see cref="Version"/>: the queue, or
/// <c>ff.http.broadcast</c>) and the path its generation of Go Micro receives on (<c>/_sub</c> for v1's
/// <c>topic:&lt;topic&gt;</c> registrations, <c>/</c> for v2.5+'s <c>micro.http.broker</c> ones).
/// </summary>
internal sealed record HttpBrokerTarget(MicroNode Node, string Version, string Path)
{
    public bool IsBroadcast => string.Equals(Version, HttpBrokerSubscription.BroadcastVersion, StringComparison.Ordinal);
}
