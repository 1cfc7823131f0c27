namespace MicroHosting.Broker;

/// <summary>What the http broker does when a topic's outbound queue is full.</summary>
public enum HttpBrokerOverflowPolicy
{
    /// <summary>Drop the oldest queued message to make room (the default); logged and counted as <c>microhosting.broker.dropped</c> with reason <c>queue_full</c>.</summary>
    DropOldest,

    /// <summary>Drop the message being published; logged and counted like <see cref="DropOldest"/>. <c>PublishAsync</c> still succeeds.</summary>
    DropNewest,

    /// <summary>Make <c>PublishAsync</c> wait until there is room (back-pressure on the publisher); nothing is dropped.</summary>
    Wait,
}
