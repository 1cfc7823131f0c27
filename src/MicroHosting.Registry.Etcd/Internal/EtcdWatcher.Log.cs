using Microsoft.Extensions.Logging;

namespace MicroHosting.Registry.Etcd.Internal;

internal sealed partial class EtcdWatcher
{
    [LoggerMessage(EventId = EtcdEventIds.EtcdWatchLost, EventName = "EtcdWatchLost", Level = LogLevel.Warning, Message = "The etcd watch on {Prefix} failed at revision {Revision}; reconnecting in {Delay}: {Reason}")]
    private partial void LogLost(string prefix, long revision, TimeSpan delay, string reason);

    [LoggerMessage(EventId = EtcdEventIds.EtcdWatchResumed, EventName = "EtcdWatchResumed", Level = LogLevel.Information, Message = "The etcd watch on {Prefix} resumed after revision {Revision}.")]
    private partial void LogResumed(string prefix, long revision);

    [LoggerMessage(EventId = EtcdEventIds.EtcdWatchCompacted, EventName = "EtcdWatchCompacted", Level = LogLevel.Warning, Message = "etcd compacted {Prefix} past revision {Revision} (now {CompactRevision}); reading the prefix again to catch up.")]
    private partial void LogCompacted(string prefix, long revision, long compactRevision);

    [LoggerMessage(EventId = EtcdEventIds.EtcdClusterChanged, EventName = "EtcdClusterChanged", Level = LogLevel.Warning, Message = "etcd answered from a different cluster; reading {Prefix} again to catch up.")]
    private partial void LogClusterChanged(string prefix);
}
