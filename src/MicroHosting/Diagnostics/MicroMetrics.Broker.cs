using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MicroHosting.Diagnostics;

// Pub/sub counters, recorded by every broker. Tags: broker (the broker's name) and topic; drops also carry a reason.
public sealed partial class MicroMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryFailed;
    private readonly Counter<long> _deliveryRetried;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _handlerFailed;

    /// <summary>Counts a message the broker accepted for publishing (<c>microhosting.broker.published</c>).</summary>
    /// <param name="broker">The broker's name, for example <c>nats</c>.</param>
    /// <param name="topic">The topic.</param>
    public void Published(string broker, string topic) => _published.Add(1, BrokerTags(broker, topic));

    /// <summary>Counts a message dropped before delivery (<c>microhosting.broker.dropped</c>).</summary>
    /// <param name="broker">The broker's name.</param>
    /// <param name="topic">The topic.</param>
    /// <param name="reason">Why, in snake case: <c>queue_full</c>, <c>no_subscribers</c>, <c>publish_timeout</c>, <c>malformed</c>, ...</param>
    public void Dropped(string broker, string topic, string reason)
    {
        var tags = BrokerTags(broker, topic);
        tags.Add("reason", reason);
        _dropped.Add(1, tags);
    }

    /// <summary>Counts a delivery a subscriber acknowledged (<c>microhosting.broker.delivered</c>).</summary>
    /// <param name="broker">The broker's name.</param>
    /// <param name="topic">The topic.</param>
    public void Delivered(string broker, string topic) => _delivered.Add(1, BrokerTags(broker, topic));

    /// <summary>Counts a delivery given up after every retry (<c>microhosting.broker.delivery_failed</c>).</summary>
    /// <param name="broker">The broker's name.</param>
    /// <param name="topic">The topic.</param>
    public void DeliveryFailed(string broker, string topic) => _deliveryFailed.Add(1, BrokerTags(broker, topic));

    /// <summary>Counts a delivery attempt that failed and is retried (<c>microhosting.broker.delivery_retried</c>).</summary>
    /// <param name="broker">The broker's name.</param>
    /// <param name="topic">The topic.</param>
    public void DeliveryRetried(string broker, string topic) => _deliveryRetried.Add(1, BrokerTags(broker, topic));

    /// <summary>Counts a message a subscriber handled successfully (<c>microhosting.broker.handled</c>).</summary>
    /// <param name="broker">The broker's name.</param>
    /// <param name="topic">The topic.</param>
    public void Handled(string broker, string topic) => _handled.Add(1, BrokerTags(broker, topic));

    /// <summary>Counts a message whose subscriber threw (<c>microhosting.broker.handler_failed</c>).</summary>
    /// <param name="broker">The broker's name.</param>
    /// <param name="topic">The topic.</param>
    public void HandlerFailed(string broker, string topic) => _handlerFailed.Add(1, BrokerTags(broker, topic));

    private static TagList BrokerTags(string broker, string topic) => new() { { "broker", broker }, { "topic", topic } };
}
