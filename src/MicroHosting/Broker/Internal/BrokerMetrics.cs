using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Pub/sub counters on the <c>MicroHosting</c> meter. Tags: <c>broker</c> and <c>topic</c>; drops also carry a <c>reason</c>.
/// </summary>
internal sealed class BrokerMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryFailed;
    private readonly Counter<long> _deliveryRetried;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _handlerFailed;

    public BrokerMetrics(IMeterFactory meterFactory)
    {
        var meter = MicroHosting.Diagnostics.MicroMetrics.CreateMeter(meterFactory);
        _published = meter.CreateCounter<long>("microhosting.broker.published", "{message}", "Messages accepted by a broker for publishing.");
        _dropped = meter.CreateCounter<long>("microhosting.broker.dropped", "{message}", "Messages dropped before delivery (outbound queue full, no subscribers).");
        _delivered = meter.CreateCounter<long>("microhosting.broker.delivered", "{delivery}", "Deliveries a subscriber acknowledged (http broker).");
        _deliveryFailed = meter.CreateCounter<long>("microhosting.broker.delivery_failed", "{delivery}", "Deliveries given up after every retry (http broker).");
        _deliveryRetried = meter.CreateCounter<long>("microhosting.broker.delivery_retried", "{attempt}", "Delivery attempts that failed and were retried (http broker).");
        _handled = meter.CreateCounter<long>("microhosting.broker.handled", "{message}", "Messages a subscriber handled successfully.");
        _handlerFailed = meter.CreateCounter<long>("microhosting.broker.handler_failed", "{message}", "Messages whose subscriber threw.");
    }

    public void Published(string broker, string topic) => _published.Add(1, Tags(broker, topic));

    public void Dropped(string broker, string topic, string reason)
    {
        var tags = Tags(broker, topic);
        tags.Add("reason", reason);
        _dropped.Add(1, tags);
    }

    public void Delivered(string broker, string topic) => _delivered.Add(1, Tags(broker, topic));

    public void DeliveryFailed(string broker, string topic) => _deliveryFailed.Add(1, Tags(broker, topic));

    public void DeliveryRetried(string broker, string topic) => _deliveryRetried.Add(1, Tags(broker, topic));

    public void Handled(string broker, string topic) => _handled.Add(1, Tags(broker, topic));

    public void HandlerFailed(string broker, string topic) => _handlerFailed.Add(1, Tags(broker, topic));

    private static TagList Tags(string broker, string topic) => new() { { "broker", broker }, { "topic", topic } };
}
