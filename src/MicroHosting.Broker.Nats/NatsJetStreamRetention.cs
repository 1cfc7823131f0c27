namespace MicroHosting.Broker.Nats;

/// <summary>When the JetStream stream discards messages (JetStream's retention policy).</summary>
public enum NatsJetStreamRetention
{
    /// <summary>Keep messages up to the limits (age, count, bytes) whether consumed or not; new consumers can replay them. The default.</summary>
    Limits = 0,

    /// <summary>Keep a message while some consumer has not acknowledged it (and within the limits).</summary>
    Interest = 1,

    /// <summary>A work queue: a message is removed once acknowledged; each subject may have only one consumer.</summary>
    WorkQueue = 2,
}
