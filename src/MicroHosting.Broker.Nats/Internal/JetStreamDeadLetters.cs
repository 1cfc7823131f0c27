using System.Globalization;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Stores a message on <c>&lt;DeadLetterPrefix&gt;.&lt;topic&gt;</c>: its headers and body as the handler saw them (the raw
/// delivery when it could not be read), plus the reason, the topic, stream sequence, consumer, delivery count and time.
/// The dead letter's message id is the stream and sequence, so storing it again after a crash keeps one copy.
/// </summary>
internal sealed class JetStreamDeadLetters(JetStreamBroker broker, string consumer)
{
    public Task PublishAsync(INatsJSMsg<byte[]> delivery, BrokerMessage? message, int deliveries, string reason, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders();
        ReadOnlyMemory<byte> body;
        if (message is not null)
        {
            foreach (var (key, value) in message.Headers)
            {
                headers[key] = value;
            }

            body = message.Body;
        }
        else
        {
            foreach (var (key, value) in delivery.Headers ?? [])
            {
                headers[key] = value;
            }

            body = delivery.Data ?? [];
        }

        var topology = broker.Topology;
        var sequence = delivery.Metadata?.Sequence.Stream ?? 0;
        var stream = delivery.Metadata?.Stream ?? topology.Options.Stream;
        headers[JetStreamHeaders.DeadLetterReason] = OneLine(reason);
        headers[JetStreamHeaders.DeadLetterTopic] = delivery.Subject;
        headers[JetStreamHeaders.DeadLetterStream] = stream;
        headers[JetStreamHeaders.DeadLetterSequence] = sequence.ToString(CultureInfo.InvariantCulture);
        headers[JetStreamHeaders.DeadLetterConsumer] = consumer;
        headers[JetStreamHeaders.DeadLetterDeliveries] = deliveries.ToString(CultureInfo.InvariantCulture);
        headers[JetStreamHeaders.DeadLetterTime] = JetStreamBroker.Format(broker.TimeProvider.GetUtcNow());
        var id = $"{stream}-{sequence}-{consumer}";
        headers[JetStreamHeaders.MsgId] = id;
        return broker.PublishStoredAsync(topology.DeadLetterSubject(delivery.Subject), body, headers, id, addSubject: false, cancellationToken);
    }

    /// <summary>NATS header values are one line.</summary>
    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
