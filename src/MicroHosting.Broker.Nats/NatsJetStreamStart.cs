namespace MicroHosting.Broker.Nats;

/// <summary>Where a new durable consumer starts reading the stream. An existing consumer always resumes where it stopped.</summary>
public enum NatsJetStreamStart
{
    /// <summary>Every message the stream still stores. The default.</summary>
    All = 0,

    /// <summary>Only messages stored after the consumer was created.</summary>
    New = 1,

    /// <summary>Messages stored at or after <see cref="NatsJetStreamOptions.StartTime"/>.</summary>
    ByTime = 2,

    /// <summary>Messages from stream sequence <see cref="NatsJetStreamOptions.StartSequence"/> on.</summary>
    BySequence = 3,
}
