namespace MicroHosting.Broker.Nats;

/// <summary>
/// Settings of the NATS JetStream broker (<c>AddNatsJetStream</c>, <c>MICRO_BROKER=jetstream</c>), bound from
/// <c>Micro:Nats:JetStream</c>. The stream, the dead-letter stream and each subscriber's durable consumer are created (or
/// updated) from these settings when the host starts; with <see cref="CreateStreams"/> off they are only verified.
/// </summary>
public sealed class NatsJetStreamOptions
{
    /// <summary>Gets or sets the name of the stream that stores published messages. Default <c>MICRO</c>.</summary>
    public string Stream { get; set; } = "MICRO";

    /// <summary>
    /// Gets the subjects the stream stores (NATS wildcards allowed, for example <c>orders.&gt;</c>). The topics this app
    /// subscribes to are added when they are not covered yet, so a stream shared by several apps grows to the union of their
    /// topics. A publish to a subject no stream stores fails. Default empty.
    /// </summary>
    public IList<string> Subjects { get; } = [];

    /// <summary>
    /// Gets or sets whether the streams (and their subjects) are created or updated at start. Default <see langword="true"/>;
    /// <see langword="false"/> only verifies that they exist and cover the subscribed topics, for streams an operator manages.
    /// </summary>
    public bool CreateStreams { get; set; } = true;

    /// <summary>Gets or sets when the stream discards messages. Default <see cref="NatsJetStreamRetention.Limits"/>.</summary>
    public NatsJetStreamRetention Retention { get; set; } = NatsJetStreamRetention.Limits;

    /// <summary>Gets or sets whether the stream is kept on disk (<see langword="true"/>, the default) or in memory.</summary>
    public bool FileStorage { get; set; } = true;

    /// <summary>Gets or sets the oldest message the stream keeps. Default 7 days; <see cref="TimeSpan.Zero"/> for no limit.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Gets or sets the most messages the stream keeps (oldest discarded first). Default -1: no limit.</summary>
    public long MaxMessages { get; set; } = -1;

    /// <summary>Gets or sets the most bytes the stream keeps (oldest discarded first). Default -1: no limit.</summary>
    public long MaxBytes { get; set; } = -1;

    /// <summary>Gets or sets the number of stream replicas in a cluster. Default 1.</summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// Gets or sets how long the stream remembers message ids (<c>Nats-Msg-Id</c>) to drop a publish it already stored.
    /// Default 2 min, as JetStream.
    /// </summary>
    public TimeSpan DuplicateWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Gets or sets how long <c>PublishAsync</c> may wait for the stream's acknowledgement, retries during an outage
    /// included; after that it fails with a <see cref="MicroException"/> (code 503). Default 10 s.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets how long one publish attempt waits for the acknowledgement before it is sent again (same message id). Default 2 s.</summary>
    public TimeSpan PublishAttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Gets or sets how many times a message is handed to a subscriber before it goes to the dead-letter subject.
    /// Counts redeliveries after a crash (no ack within <see cref="AckWait"/>) too. Default 5.
    /// </summary>
    public int MaxDeliver { get; set; } = 5;

    /// <summary>
    /// Gets the delays before redelivering a message whose handler threw: the first entry after the first failure, and so on;
    /// the last entry repeats. Default 1 s, 5 s, 30 s.
    /// </summary>
    public IList<TimeSpan> Backoff { get; } = [];

    /// <summary>
    /// Gets or sets how long the server waits for a delivered message's ack before it redelivers it (to this member or another
    /// member of the queue group): how soon a crashed subscriber's messages come back. A running handler is extended with an
    /// in-progress ack every quarter of it; messages fetched ahead (<see cref="Prefetch"/>) are not. Default 30 s.
    /// </summary>
    public TimeSpan AckWait { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many messages a consumer may have delivered but not acknowledged. Default 1000.</summary>
    public int MaxAckPending { get; set; } = 1000;

    /// <summary>Gets or sets how many messages a subscription fetches ahead of its handler. Default 64.</summary>
    public int Prefetch { get; set; } = 64;

    /// <summary>
    /// Gets or sets where a new consumer starts: <see cref="NatsJetStreamStart.All"/> (every stored message, the default),
    /// <see cref="NatsJetStreamStart.New"/>, <see cref="NatsJetStreamStart.ByTime"/> (<see cref="StartTime"/>) or
    /// <see cref="NatsJetStreamStart.BySequence"/> (<see cref="StartSequence"/>). An existing consumer keeps its position.
    /// </summary>
    public NatsJetStreamStart DeliverFrom { get; set; } = NatsJetStreamStart.All;

    /// <summary>Gets or sets the time a new consumer starts from with <see cref="NatsJetStreamStart.ByTime"/>.</summary>
    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Gets or sets the stream sequence a new consumer starts from with <see cref="NatsJetStreamStart.BySequence"/>.</summary>
    public ulong? StartSequence { get; set; }

    /// <summary>
    /// Gets or sets the durable-consumer name prefix of this app's broadcast subscriptions, which each get their own consumer
    /// (<c>&lt;instance&gt;_&lt;topic&gt;</c>). Give each instance a stable name so a restarted instance resumes where it
    /// stopped. Default <see langword="null"/>: the service name and the machine name. Queue groups share the consumer
    /// <c>&lt;queue&gt;_&lt;topic&gt;</c> whatever this is.
    /// </summary>
    public string? InstanceName { get; set; }

    /// <summary>
    /// Gets or sets the subject prefix of dead letters: a message of <c>orders</c> goes to <c>&lt;prefix&gt;.orders</c>, with the
    /// reason in <c>Micro-Dead-Letter-Reason</c> and its original headers. Default <c>micro.deadletter</c>.
    /// </summary>
    public string DeadLetterPrefix { get; set; } = "micro.deadletter";

    /// <summary>Gets or sets the name of the stream that stores dead letters (<c>&lt;DeadLetterPrefix&gt;.&gt;</c>). Default <c>MICRO_DEADLETTER</c>.</summary>
    public string DeadLetterStream { get; set; } = "MICRO_DEADLETTER";

    /// <summary>Gets or sets how long dead letters are kept. Default 30 days; <see cref="TimeSpan.Zero"/> for no limit.</summary>
    public TimeSpan DeadLetterMaxAge { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The backoff used when <see cref="Backoff"/> is empty.</summary>
    internal static readonly TimeSpan[] DefaultBackoff = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    /// <summary>The delay before redelivery after the <paramref name="failures"/>-th failed delivery.</summary>
    internal TimeSpan BackoffFor(int failures)
    {
        var steps = Backoff.Count > 0 ? (IReadOnlyList<TimeSpan>)[.. Backoff] : DefaultBackoff;
        return steps[Math.Clamp(failures - 1, 0, steps.Count - 1)];
    }
}
