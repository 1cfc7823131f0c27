namespace MicroHosting.Broker.Nats.Internal;

/// <summary>Header names the JetStream broker reads and writes.</summary>
internal static class JetStreamHeaders
{
    /// <summary>JetStream's de-duplication id: the stream stores a message id once within its duplicate window.</summary>
    public const string MsgId = "Nats-Msg-Id";

    /// <summary>
    /// The time (ISO 8601, UTC) after which the message must not be handled; dead-lettered instead. Set it with
    /// <c>MicroPublishOptions.Metadata</c>; messages published while handling one inherit it, as metadata does.
    /// </summary>
    public const string Deadline = "Micro-Deadline";

    public const string DeadLetterReason = "Micro-Dead-Letter-Reason";
    public const string DeadLetterTopic = "Micro-Dead-Letter-Topic";
    public const string DeadLetterStream = "Micro-Dead-Letter-Stream";
    public const string DeadLetterSequence = "Micro-Dead-Letter-Sequence";
    public const string DeadLetterConsumer = "Micro-Dead-Letter-Consumer";
    public const string DeadLetterDeliveries = "Micro-Dead-Letter-Deliveries";
    public const string DeadLetterTime = "Micro-Dead-Letter-Time";
}
