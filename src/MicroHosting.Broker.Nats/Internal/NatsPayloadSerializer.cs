using System.Buffers;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Writes a <see cref="BrokerMessage"/>'s NATS payload straight into NATS.Net's pooled payload buffer, which it hands to
/// <see cref="INatsSerialize{T}.Serialize"/> on publish: the Go Micro envelope in that format (so no array per message),
/// the body alone in the Headers format.
/// </summary>
internal sealed class NatsPayloadSerializer : INatsSerialize<BrokerMessage>
{
    public static readonly NatsPayloadSerializer GoMicro = new(envelope: true);

    public static readonly NatsPayloadSerializer Body = new(envelope: false);

    private readonly bool _envelope;

    private NatsPayloadSerializer(bool envelope) => _envelope = envelope;

    public static NatsPayloadSerializer For(NatsMessageFormat format) => format == NatsMessageFormat.GoMicro ? GoMicro : Body;

    public void Serialize(IBufferWriter<byte> bufferWriter, BrokerMessage value)
    {
        if (_envelope)
        {
            GoMicroEnvelope.Write(bufferWriter, value.HeaderItems, value.Body.Span);
        }
        else
        {
            bufferWriter.Write(value.Body.Span);
        }
    }
}
