namespace MicroHosting.Broker;

/// <summary>
/// Settings of the http broker (Go Micro's default broker): delivery retries, the outbound queue, and how subscribers
/// are registered. Configure with <c>builder.Services.Configure&lt;HttpBrokerOptions&gt;(...)</c> or the
/// <c>Micro:HttpBroker</c> configuration section.
/// </summary>
public sealed class HttpBrokerOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:HttpBroker";

    /// <summary>Gets or sets how many messages may wait per topic before the <see cref="OverflowPolicy"/> applies. Default 1024.</summary>
    public int MaxQueuedMessagesPerTopic { get; set; } = 1024;

    /// <summary>Gets or sets what happens when a topic's outbound queue is full. Default <see cref="HttpBrokerOverflowPolicy.DropOldest"/>.</summary>
    public HttpBrokerOverflowPolicy OverflowPolicy { get; set; } = HttpBrokerOverflowPolicy.DropOldest;

    /// <summary>Gets or sets how many messages of one topic are delivered at the same time. Default 8; 1 keeps publish order.</summary>
    public int MaxConcurrentDeliveriesPerTopic { get; set; } = 8;

    /// <summary>
    /// Gets or sets how many times one delivery is attempted before it counts as failed. A queue delivery tries another
    /// member each time while there is one it has not tried. Default 4.
    /// </summary>
    public int MaxDeliveryAttempts { get; set; } = 4;

    /// <summary>Gets or sets the delay before the first retry; it doubles each retry, with jitter. Default 100 ms.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets or sets the longest delay between retries. Default 2 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets how long one delivery attempt (including the subscriber's handler) may take. Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the TTL of a subscriber's <c>topic:&lt;topic&gt;</c> registration. Default 1 min, as Go Micro.</summary>
    public TimeSpan SubscriberTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how often a subscriber's registration is refreshed. Default 30 s, as Go Micro; must be shorter than
    /// <see cref="SubscriberTtl"/>. A failed refresh is retried sooner, as the service registration is: 1 s, doubling, at most this interval.
    /// </summary>
    public TimeSpan SubscriberRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets how long the publisher uses a topic's subscriber list before looking it up again. Default 10 s. The
    /// nodes are held by the client's registry cache, whose registry watch applies changes sooner.
    /// </summary>
    public TimeSpan DiscoveryCacheTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Gets or sets whether publishing waits until the message was delivered: <see langword="false"/> (the default, as Go
    /// Micro) returns once the message is queued, and delivery failures are logged and counted; <see langword="true"/>
    /// returns once every broadcast subscriber and one member of each queue group took it (or left on purpose), and throws a
    /// <see cref="MicroException"/> when none did (404: no subscriber registered; 500: every delivery failed, or the
    /// message was dropped). Use it in short-lived publishers (a CLI, a function) that exit right after publishing.
    /// </summary>
    public bool WaitForDelivery { get; set; }

    /// <summary>
    /// Gets or sets how long disposing the broker waits for messages still queued or in flight. Default 5 s. With a host,
    /// the drain runs earlier, when stopping begins, bounded by the host's shutdown timeout; this bound applies to what is
    /// published after that (or to a broker used without a host).
    /// </summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
