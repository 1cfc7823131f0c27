using MicroHosting.Broker.Internal;

namespace MicroHosting.Broker;

/// <summary>
/// A message as brokers carry it: string headers and an encoded body, Go Micro's <c>broker.Message</c>. Messages
/// published through <see cref="IMicroPublisher"/> carry <c>Content-Type</c>, <c>Micro-Topic</c>, <c>Micro-Id</c> and
/// the caller's metadata as headers.
/// </summary>
public sealed class BrokerMessage
{
    private readonly BrokerHeaders _headers;

    /// <summary>Creates a message.</summary>
    /// <param name="headers">The headers; copied. Case-sensitive keys, as Go Micro's map is.</param>
    /// <param name="body">The encoded body.</param>
    public BrokerMessage(IEnumerable<KeyValuePair<string, string>>? headers, ReadOnlyMemory<byte> body)
    {
        _headers = headers is null ? BrokerHeaders.Empty : BrokerHeaders.Copy(headers);
        Body = body;
    }

    private BrokerMessage(BrokerHeaders headers, ReadOnlyMemory<byte> body)
    {
        _headers = headers;
        Body = body;
    }

    /// <summary>Gets the headers. Never <see langword="null"/>.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers;

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
        return new(BrokerHeaders.Own(headers), body) { DeliveryCount = deliveryCount };
    }

    /// <summary>
    /// Gets the headers in order, unique keys, as a span: for a broker's publish path (for example
    /// <see cref="GoMicroEnvelope.Write(System.Buffers.IBufferWriter{byte}, ReadOnlySpan{KeyValuePair{string, string}}, ReadOnlySpan{byte})"/>),
    /// walked without the enumerator <see cref="Headers"/> allocates.
    /// </summary>
    public ReadOnlySpan<KeyValuePair<string, string>> HeaderItems => _headers.AsSpan();

    /// <summary>Returns the value of a header, or <see langword="null"/>. The exact name is tried first, then a case-insensitive match.</summary>
    /// <param name="name">The header name, for example <c>Content-Type</c>.</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (Headers.TryGetValue(name, out var value))
        {
            return value;
        }

        foreach (var (key, item) in Headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return item;
            }
        }

        return null;
    }
}
