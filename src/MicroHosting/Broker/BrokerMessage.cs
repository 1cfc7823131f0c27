using MicroHosting.Broker.Internal;

namespace MicroHosting.Broker;

/// <summary>
/// A message as brokers carry it: string headers and an encoded body, Go Micro's <c>broker.Message</c>. Messages
/// published through <see cref="IMicroPublisher"/> carry <c>Content-Type</c>, <c>Micro-Topic</c>, <c>Micro-Id</c> and
/// the caller's metadata as headers.
/// </summary>
public sealed class BrokerMessage
{
    // The headers, unique keys. The dictionary view over them is made on first use of Headers: the brokers' publish and
    // receive paths walk HeaderItems and look headers up with GetHeader, so a message that only passes through a broker
    // never needs it: 16 B less per message on each side (the 24 B view, less 8 B for the field), 1,608 -> 1,571 B/msg
    // publisher and subscriber together in the pubsub Headers row (benchmark README, "NATS Headers format", 2026-12-06).
    private readonly KeyValuePair<string, string>[] _items;
    private BrokerHeaders? _headers;

    /// <summary>Creates a message.</summary>
    /// <param name="headers">The headers; copied. Case-sensitive keys, as Go Micro's map is.</param>
    /// <param name="body">The encoded body.</param>
    public BrokerMessage(IEnumerable<KeyValuePair<string, string>>? headers, ReadOnlyMemory<byte> body)
    {
        _items = headers is null ? [] : BrokerHeaders.Copy(headers);
        Body = body;
    }

    private BrokerMessage(KeyValuePair<string, string>[] items, ReadOnlyMemory<byte> body)
    {
        _items = items;
        Body = body;
    }

    /// <summary>Gets the headers. Never <see langword="null"/>.</summary>
    /// <remarks>Two threads reading it first at once may each make a view; both are read-only views of the same array.</remarks>
    public IReadOnlyDictionary<string, string> Headers => _headers ??= BrokerHeaders.Own(_items);

    /// <summary>Gets the encoded body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>
    /// Gets how many times the broker has delivered this message, this delivery included: 1 on the first delivery, more on
    /// redeliveries. Brokers that do not count redeliveries (<c>http</c>, <c>memory</c>, core <c>nats</c>) always say 1; the
    /// NATS JetStream broker reports the stream's count. Set by brokers on their receive path.
    /// </summary>
    public int DeliveryCount { get; init; } = 1;

    /// <summary>
    /// Creates a message over <paramref name="headers"/> without copying or checking them: for a broker's receive path,
    /// which builds one header array per message (for example from <see cref="GoMicroEnvelope.TryRead"/>). The caller
    /// hands the array over: its keys are unique (ordinal) and nobody changes it afterwards.
    /// </summary>
    /// <param name="headers">The headers, unique keys; the message keeps this array.</param>
    /// <param name="body">The encoded body.</param>
    /// <param name="deliveryCount">The broker's delivery count, 1 on the first delivery (see <see cref="DeliveryCount"/>).</param>
    /// <returns>The message.</returns>
    public static BrokerMessage FromOwnedHeaders(KeyValuePair<string, string>[] headers, ReadOnlyMemory<byte> body, int deliveryCount = 1)
    {
        ArgumentNullException.ThrowIfNull(headers);
        return new(headers, body) { DeliveryCount = deliveryCount };
    }

    /// <summary>
    /// Gets the headers in order, unique keys, as a span: for a broker's publish path (for example
    /// <see cref="GoMicroEnvelope.Write(System.Buffers.IBufferWriter{byte}, ReadOnlySpan{KeyValuePair{string, string}}, ReadOnlySpan{byte})"/>),
    /// walked without the enumerator <see cref="Headers"/> allocates.
    /// </summary>
    public ReadOnlySpan<KeyValuePair<string, string>> HeaderItems => _items;

    /// <summary>Returns the value of a header, or <see langword="null"/>. The exact name is tried first, then a case-insensitive match.</summary>
    /// <param name="name">The header name, for example <c>Content-Type</c>.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var index = BrokerHeaders.IndexOf(_items, name);
        if (index >= 0)
        {
            return _items[index].Value;
        }

        foreach (var (key, item) in HeaderItems)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return item;
            }
        }

        return null;
    }
}
