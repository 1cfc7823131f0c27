namespace MicroHosting.Broker;

/// <summary>How a subscription receives messages.</summary>
public sealed class BrokerSubscribeOptions
{
    /// <summary>
    /// Gets or sets the queue group. Subscriptions sharing a queue group compete: each message goes to one of them.
    /// Default <see langword="null"/>: every subscription receives every message (broadcast).
    /// </summary>
    public string? Queue { get; set; }
}
