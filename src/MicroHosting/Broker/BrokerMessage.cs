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

    /// <summary>A message over headers nobody else holds, with unique keys (a broker's receive path), without copying them.</summary>
    internal static BrokerMessage Own(KeyValuePair<string, string>[] headers, ReadOnlyMemory<byte> body, int deliveryCount = 1)
        => new(BrokerHeaders.Own(headers), body) { DeliveryCount = deliveryCount };

    /// <summary>The headers in order, unique keys, for a broker's publish path: walked without an enumerator allocation.</summary>
    internal ReadOnlySpan<KeyValuePair<string, string>> HeaderItems => _headers.AsSpan();

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
