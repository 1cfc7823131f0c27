using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Registry.Mdns.Internal;

internal sealed partial class MdnsTransport
{
    [LoggerMessage(EventId = MicroEventIds.MdnsJoinFailed, EventName = "MdnsJoinFailed", Level = LogLevel.Warning, Message = "mDNS could not join the {Family} multicast group on {Interface} ({Error}); that interface and family are skipped.")]
    private partial void LogJoinFailed(string @interface, string family, string error);

    [LoggerMessage(EventId = MicroEventIds.MdnsSendFailed, EventName = "MdnsSendFailed", Level = LogLevel.Warning, Message = "mDNS cannot send {Family} multicast on {Interface} ({Error}). If this network blocks multicast (containers, VPNs, cloud networks), services will not find each other: use the etcd registry (MICRO_REGISTRY=etcd, package MicroHosting.Registry.Etcd).")]
    private partial void LogSendFailed(string @interface, string family, string error);

    [LoggerMessage(EventId = MicroEventIds.MdnsUnicastFailed, EventName = "MdnsUnicastFailed", Level = LogLevel.Debug, Message = "mDNS could not answer {Destination} ({Error}).")]
    private partial void LogUnicastFailed(string destination, string error);

    [LoggerMessage(EventId = MicroEventIds.MdnsReceiveFailed, EventName = "MdnsReceiveFailed", Level = LogLevel.Warning, Message = "mDNS receive failed ({Error}); retrying.")]
    private partial void LogReceiveFailed(string error);
}
