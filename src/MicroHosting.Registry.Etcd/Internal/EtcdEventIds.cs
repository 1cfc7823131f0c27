namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>
/// Every log event id of the etcd registry package, in one table: 600-699, a range no other MicroHosting package uses
/// (the core's table is <c>MicroEventIds</c>). A new event takes the next free id of its range.
/// </summary>
internal static class EtcdEventIds
{
    // Registry: 600-609
    public const int EtcdNodeWritten = 600;
    public const int EtcdLeaseExpired = 601;
    public const int EtcdValueUndecodable = 602;

    // Watch: 610-619
    public const int EtcdWatchLost = 610;
    public const int EtcdWatchResumed = 611;
    public const int EtcdWatchCompacted = 612;
    public const int EtcdClusterChanged = 613;
}
