using Microsoft.Extensions.Logging;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>The subscription's log messages (event ids 730-739).</summary>
internal sealed partial class JetStreamSubscription
{
    [LoggerMessage(EventId = NatsEventIds.JetStreamRedelivery, EventName = "JetStreamRedelivery", Level = LogLevel.Warning, Message = "A message of {Topic} (Micro-Id {MessageId}) failed delivery {Delivery} of {MaxDeliver}; redelivered in {DelaySeconds} s ({Reason}).")]
    private partial void LogRedelivery(string topic, string? messageId, int delivery, int maxDeliver, double delaySeconds, string reason);

    [LoggerMessage(EventId = NatsEventIds.JetStreamDeadLettered, EventName = "JetStreamDeadLettered", Level = LogLevel.Warning, Message = "A message of {Topic} (Micro-Id {MessageId}) went to the dead-letter subject {Subject}: {Reason}.")]
    private partial void LogDeadLettered(string topic, string? messageId, string subject, string reason);

    [LoggerMessage(EventId = NatsEventIds.JetStreamDeadLetterFailed, EventName = "JetStreamDeadLetterFailed", Level = LogLevel.Error, Message = "A message of {Topic} could not be stored on the dead-letter subject ({Reason}): {Error}. It stays on the stream and comes back.")]
    private partial void LogDeadLetterFailed(string topic, string reason, string error);

    [LoggerMessage(EventId = NatsEventIds.JetStreamSettleFailed, EventName = "JetStreamSettleFailed", Level = LogLevel.Warning, Message = "Sending {What} for a message of {Topic} failed ({Error}); the server redelivers it after AckWait.")]
    private partial void LogSettleFailed(string what, string topic, string error);

    [LoggerMessage(EventId = NatsEventIds.JetStreamConsumeFailed, EventName = "JetStreamConsumeFailed", Level = LogLevel.Warning, Message = "Reading JetStream consumer {Consumer} failed ({Error}); retrying.")]
    private partial void LogConsumeFailed(string consumer, string error);
}
