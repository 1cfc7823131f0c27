using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Broker.Internal;

internal sealed partial class HttpBroker
{
    [LoggerMessage(EventId = MicroEventIds.BrokerQueueFull, EventName = "BrokerQueueFull", Level = LogLevel.Warning, Message = "The outbound queue of {Topic} is full ({Capacity} messages); a message was dropped (overflow policy {Policy}).")]
    private partial void LogQueueFull(string topic, int capacity, HttpBrokerOverflowPolicy policy);

    [LoggerMessage(EventId = MicroEventIds.BrokerNoSubscribers, EventName = "BrokerNoSubscribers", Level = LogLevel.Debug, Message = "No subscriber of {Topic} is registered; the message is dropped.")]
    private partial void LogNoSubscribers(string topic);

    [LoggerMessage(EventId = MicroEventIds.BrokerDeliveryRetrying, EventName = "BrokerDeliveryRetrying", Level = LogLevel.Information, Message = "Delivery of a message of {Topic} failed (attempt {Attempt}): {Reason}; retrying in {DelayMs} ms.")]
    private partial void LogRetrying(string topic, int attempt, double delayMs, string? reason);

    [LoggerMessage(EventId = MicroEventIds.BrokerDeliveryFailed, EventName = "BrokerDeliveryFailed", Level = LogLevel.Error, Message = "Delivery of a message of {Topic} to {Queue} failed after {Attempts} attempt(s): {Reason}")]
    private partial void LogDeliveryFailed(string topic, string queue, int attempts, string reason);

    [LoggerMessage(EventId = MicroEventIds.BrokerDiscoveryFailed, EventName = "BrokerDiscoveryFailed", Level = LogLevel.Error, Message = "Looking up the subscribers of {Topic} failed; the message is not delivered.")]
    private partial void LogDiscoveryFailed(string topic, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.BrokerSubscriberGone, EventName = "BrokerSubscriberGone", Level = LogLevel.Debug, Message = "Subscriber {Subscriber} of {Topic} unsubscribed before the message reached it.")]
    private partial void LogSubscriberGone(string topic, string subscriber);

    [LoggerMessage(EventId = MicroEventIds.BrokerDrainTimedOut, EventName = "BrokerDrainTimedOut", Level = LogLevel.Error, Message = "Stopping: {Count} message(s) of {Topic} (queued or in flight) were not delivered before the shutdown deadline and are lost.")]
    private partial void LogDrainTimedOut(string topic, int count);

    [LoggerMessage(EventId = MicroEventIds.BrokerRefreshFailed, EventName = "BrokerRefreshFailed", Level = LogLevel.Warning, Message = "Refreshing the registration of subscriber {NodeId} of {Topic} failed; retrying with backoff (1 s doubling, at most the refresh interval).")]
    internal partial void LogRefreshFailed(string topic, string nodeId, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.BrokerDeregisterFailed, EventName = "BrokerDeregisterFailed", Level = LogLevel.Warning, Message = "Deregistering subscriber {NodeId} of {Topic} failed; it expires after its TTL.")]
    private partial void LogDeregisterFailed(string topic, string nodeId, Exception exception);
}
