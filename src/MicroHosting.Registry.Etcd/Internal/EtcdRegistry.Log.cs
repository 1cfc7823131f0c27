using Microsoft.Extensions.Logging;

namespace MicroHosting.Registry.Etcd.Internal;

internal sealed partial class EtcdRegistry
{
    [LoggerMessage(EventId = EtcdEventIds.EtcdNodeWritten, EventName = "EtcdNodeWritten", Level = LogLevel.Debug, Message = "Wrote {Key} under lease {LeaseId}.")]
    private partial void LogNodeWritten(string key, long leaseId);

    [LoggerMessage(EventId = EtcdEventIds.EtcdLeaseExpired, EventName = "EtcdLeaseExpired", Level = LogLevel.Warning, Message = "The lease {LeaseId} of {Key} expired (etcd was unreachable for longer than the TTL); registering again under a new lease.")]
    private partial void LogLeaseExpired(string key, long leaseId);

    [LoggerMessage(EventId = EtcdEventIds.EtcdValueUndecodable, EventName = "EtcdValueUndecodable", Level = LogLevel.Warning, Message = "Skipped etcd key {Key}: its value is not a Go Micro service with a node.")]
    internal partial void LogUndecodable(string key);
}
