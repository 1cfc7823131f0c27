using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MicroHosting.Diagnostics;

/// <summary>Pub/sub counters. Tags: <c>broker</c> and <c>topic</c>; drops also carry a <c>reason</c>.</summary>
internal sealed partial class MicroMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _deliveryFailed;
    private readonly Counter<long> _deliveryRetried;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _handlerFailed;

    public void Published(string broker, string topic) => _published.Add(1, BrokerTags(broker, topic));

    public void Dropped(string broker, string topic, string reason)
    {
        var tags = BrokerTags(broker, topic);
        tags.Add("reason", reason);
        _dropped.Add(1, tags);
    }

    public void Delivered(string broker, string topic) => _delivered.Add(1, BrokerTags(broker, topic));

    public void DeliveryFailed(string broker, string topic) => _deliveryFailed.Add(1, BrokerTags(broker, topic));

    public void DeliveryRetried(string broker, string topic) => _deliveryRetried.Add(1, BrokerTags(broker, topic));

    public void Handled(string broker, string topic) => _handled.Add(1, BrokerTags(broker, topic));

    public void HandlerFailed(string broker, string topic) => _handlerFailed.Add(1, BrokerTags(broker, topic));

    private static TagList BrokerTags(string broker, string topic) => new() { { "broker", broker }, { "topic", topic } };
}
