namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Every log event id of the NATS broker package, in one table: 700-799, a range no other MicroHosting package uses
/// (the core's table is <c>MicroEventIds</c>). A new event takes the next free id of its range.
/// </summary>
internal static class NatsEventIds
{
    // Connection: 700-709
    public const int NatsConnected = 700;
    public const int NatsDisconnected = 701;
    public const int NatsReconnectFailed = 702;
    public const int NatsMessageDropped = 703;
    public const int NatsCloseFailed = 704;

    // Core NATS subscriptions: 710-719
    public const int NatsHandlerFailed = 710;
    public const int NatsMalformedMessage = 711;

    // JetStream publishing: 720-729
    public const int JetStreamConsumerReady = 720;
    public const int JetStreamPublishRetry = 721;
    public const int JetStreamDuplicate = 722;

    // JetStream subscriptions: 730-739
    public const int JetStreamRedelivery = 730;
    public const int JetStreamDeadLettered = 731;
    public const int JetStreamDeadLetterFailed = 732;
    public const int JetStreamSettleFailed = 733;
    public const int JetStreamConsumeFailed = 734;
}
