namespace MicroHosting.Diagnostics;

/// <summary>
/// Every log event id of the MicroHosting package, in one table so no two events share one (as YARP's
/// <c>EventIds</c>). A range per part; the plug-in packages keep their own tables in ranges of their own: etcd
/// 600-699 (<c>EtcdEventIds</c>), NATS 700-799 (<c>NatsEventIds</c>). A new event takes the next free id of its range.
/// </summary>
internal static class MicroEventIds
{
    // Server: 1-99
    public const int HandlerFailed = 1;

    // Hosting and registration: 100-199
    public const int Registered = 100;
    public const int RegisterFailed = 101;
    public const int Deregistered = 102;
    public const int DeregisterFailed = 103;
    public const int NoAddress = 104;
    public const int RegisterRetrying = 105;
    public const int LifecycleHookFailed = 106;
    public const int LoopbackAdvertised = 107;

    // Client: node health 300-319, calls 320-329, registry cache 330-339, streams 340-349
    public const int NodeEjected = 300;
    public const int NodeRestored = 301;
    public const int NodeReturned = 302;
    public const int NodeUnavailable = 303;
    public const int AttemptFailed = 320;
    public const int Retrying = 321;
    public const int SelectionFailed = 322;
    public const int RegistryLookupFailed = 330;
    public const int RegistryWatchFailed = 331;
    public const int StreamAttemptFailed = 340;
    public const int StreamBroken = 341;

    // mDNS registry: engine 400-419, transport 420-439
    public const int MdnsStarted = 400;
    public const int MdnsMalformedPacket = 401;
    public const int MdnsPacketFailed = 402;
    public const int MdnsNameConflict = 403;
    public const int MdnsSilent = 404;
    public const int MdnsBackgroundFailed = 405;
    public const int MdnsJoinFailed = 420;
    public const int MdnsSendFailed = 421;
    public const int MdnsUnicastFailed = 422;
    public const int MdnsReceiveFailed = 423;

    // Broker: subscriptions 500-509, http broker 510-549
    public const int Subscribed = 500;
    public const int SubscriberFailed = 501;
    public const int UnsubscribeFailed = 502;
    public const int SubscriberDrainTimedOut = 503;
    public const int BrokerQueueFull = 510;
    public const int BrokerNoSubscribers = 511;
    public const int BrokerDeliveryRetrying = 512;
    public const int BrokerDeliveryFailed = 513;
    public const int BrokerDiscoveryFailed = 514;
    public const int BrokerSubscriberGone = 515;
    public const int BrokerDrainTimedOut = 516;
    public const int BrokerRefreshFailed = 517;
    public const int BrokerDeregisterFailed = 518;

    // Security (TLS, credentials): 800-899
    public const int TlsFilesReloaded = 800;
    public const int TlsFilesReloadFailed = 801;
    public const int TlsClientRejected = 802;
    public const int TlsAcceptingAnyCertificate = 803;
    public const int TokenNotSentOverCleartext = 804;
}
