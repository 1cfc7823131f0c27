using System.Buffers;
using System.Threading.Channels;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// A core NATS subscription that reads each message into a <see cref="BrokerMessage"/> as NATS.Net's read loop hands it
/// over. NATS.Net's own subscription (<c>NatsSub&lt;T&gt;</c>) parses every header block into a new
/// <see cref="NatsHeaders"/> with its dictionary, which the broker then copies into the message's header array and drops;
/// this one parses with NATS.Net's parser (<see cref="INatsConnection.HeaderParser"/>, same rules and case sensitivity)
/// into one <see cref="NatsHeaders"/> it reuses, since the read loop hands a subscription one message at a time. The
/// handler loop (<see cref="NatsBrokerSubscription"/>) reads <see cref="Deliveries"/>, bounded and dropping as NATS.Net's
/// subscription channel is (<c>SubPendingChannelCapacity</c>, <c>SubPendingChannelFullMode</c>, the connection's
/// <c>MessageDropped</c> event). NATS.Net's receive activity (its <c>NATS.Net</c> activity source) is not started for
/// these subscriptions: the broker carries trace context in the message headers itself.
/// </summary>
/// <remarks>
/// Saves the <see cref="NatsHeaders"/>, its dictionary and their arrays per received message: pubsub Headers row 1,303-1,309
/// -> 1,016-1,036 B/msg, publisher and subscriber together (benchmark README, "NATS Headers format: no NatsHeaders per
/// message").
/// </remarks>
internal sealed class NatsBrokerSub : NatsSubBase
{
    private readonly Channel<NatsBrokerDelivery> _deliveries;
    private readonly NatsHeaders _headers;

    public NatsBrokerSub(INatsConnection connection, string subject, string? queueGroup)
        : base(connection, connection.SubscriptionManager, subject, queueGroup, opts: null)
    {
        _headers = new NatsHeaders(connection.HeaderParser.CaseSensitiveHeaders);
        _deliveries = Channel.CreateBounded<NatsBrokerDelivery>(
            connection.GetBoundedChannelOpts(null),
            dropped => Connection.OnMessageDropped(this, _deliveries?.Reader.Count ?? 0, new NatsMsg<BrokerMessage>(dropped.Subject, null, 0, null, dropped.Message, Connection)));
    }

    /// <summary>The messages read, in order; completed when the subscription ends.</summary>
    public ChannelReader<NatsBrokerDelivery> Deliveries => _deliveries.Reader;

    protected override ValueTask ReceiveInternalAsync(string subject, string? replyTo, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        var delivery = Read(subject, headersBuffer, payloadBuffer);
        if (!_deliveries.Writer.TryWrite(delivery))
        {
            // Full, and the channel waits for room (SubPendingChannelFullMode = Wait): hold the read loop as NATS.Net does.
            return WriteAsync(delivery);
        }

        Written();
        return ValueTask.CompletedTask;
    }

    protected override void TryComplete() => _deliveries.Writer.TryComplete();

    private NatsBrokerDelivery Read(string subject, ReadOnlySequence<byte>? headersBuffer, ReadOnlySequence<byte> payloadBuffer)
    {
        NatsHeaders? headers = null;
        if (headersBuffer is { } buffer)
        {
            // The previous message's headers were copied into its own array (TryDecode) before this call.
            _headers.Clear();
            try
            {
                if (!Connection.HeaderParser.ParseHeaders(new SequenceReader<byte>(buffer), _headers))
                {
                    return new(subject, null, "the NATS header block has no version line");
                }
            }
            catch (NatsException ex)
            {
                return new(subject, null, $"the NATS header block cannot be read ({ex.Message})");
            }

            headers = _headers;
        }

        return NatsWireFormat.TryDecode(headers, payloadBuffer.ToArray(), out var message, out var error)
            ? new(subject, message, null)
            : new(subject, null, error);
    }

    private async ValueTask WriteAsync(NatsBrokerDelivery delivery)
    {
        await _deliveries.Writer.WriteAsync(delivery).ConfigureAwait(false);
        Written();
    }

    private void Written()
    {
        ResetSlowConsumer(_deliveries.Reader.Count);
        DecrementMaxMsgs();
    }
}
