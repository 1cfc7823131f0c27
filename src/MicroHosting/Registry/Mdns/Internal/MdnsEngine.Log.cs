using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Registry.Mdns.Internal;

internal sealed partial class MdnsEngine
{
    [LoggerMessage(EventId = MicroEventIds.MdnsStarted, EventName = "MdnsStarted", Level = LogLevel.Information, Message = "mDNS registry listening on {Interfaces}, UDP port {Port}, domain '{Domain}'.")]
    private partial void LogStarted(string interfaces, int port, string domain);

    [LoggerMessage(EventId = MicroEventIds.MdnsMalformedPacket, EventName = "MdnsMalformedPacket", Level = LogLevel.Debug, Message = "mDNS dropped a malformed packet from {Source}: {Reason}")]
    private partial void LogMalformed(string source, string reason);

    [LoggerMessage(EventId = MicroEventIds.MdnsPacketFailed, EventName = "MdnsPacketFailed", Level = LogLevel.Warning, Message = "mDNS dropped a packet from {Source} it could not handle.")]
    private partial void LogHandlingFailed(string source, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.MdnsNameConflict, EventName = "MdnsNameConflict", Level = LogLevel.Error, Message = "mDNS name conflict for {Instance}: {Conflict}.")]
    private partial void LogConflict(string instance, string conflict);

    [LoggerMessage(EventId = MicroEventIds.MdnsSilent, EventName = "MdnsSilent", Level = LogLevel.Warning, Message = "mDNS has heard no other service on {Interfaces} yet. If services on other hosts should be visible, this network may block multicast (common in containers, VPNs and cloud networks): use the etcd registry there (MICRO_REGISTRY=etcd, package MicroHosting.Registry.Etcd).")]
    private partial void LogSilent(string interfaces);

    [LoggerMessage(EventId = MicroEventIds.MdnsBackgroundFailed, EventName = "MdnsBackgroundFailed", Level = LogLevel.Warning, Message = "An mDNS background send failed.")]
    private partial void LogBackgroundFailed(Exception exception);
}
