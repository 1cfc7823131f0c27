using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Writes a <see cref="BrokerMessage"/> as a NATS message in the chosen <see cref="NatsMessageFormat"/>, and reads every
/// format back: NATS headers naming <c>Content-Type</c> or a <c>Micro-*</c> header are native; otherwise a JSON object with
/// a top-level <c>Header</c> or <c>Body</c> member is Go Micro's envelope; anything else is a raw body.
/// </summary>
internal static class NatsWireFormat
{
    /// <summary>
    /// The NATS headers a message goes out with: none in the GoMicro format (Go Micro's broker publishes
    /// <c>codec.Marshal(broker.Message)</c> and nothing else), and none for a message without headers, so no header block
    /// is written; the payload is <see cref="NatsPayloadSerializer"/>'s.
    /// </summary>
    public static NatsHeaders? HeadersFor(BrokerMessage message, NatsMessageFormat format)
    {
        var items = message.HeaderItems;
        if (format == NatsMessageFormat.GoMicro || items.IsEmpty)
        {
            return null;
        }

        var headers = new NatsHeaders();
        foreach (var (key, value) in items)
        {
            headers[key] = value;
        }

        return headers;
    }

    /// <summary>Reads a received message; false with <paramref name="error"/> when it is a Go Micro envelope that cannot be read.</summary>
    /// <param name="natsHeaders">The NATS headers.</param>
    /// <param name="data">The payload.</param>
    /// <param name="message">The message read.</param>
    /// <param name="error">Why it cannot be read.</param>
    /// <param name="deliveryCount">The broker's delivery count (JetStream's); 1 on core NATS.</param>
    /// <param name="dropNatsHeaders">
    /// Leave out JetStream's own headers (<c>Nats-Msg-Id</c>, <c>Nats-Expected-*</c>): handed on as metadata, they would go
    /// out again with every message the handler publishes, and the stream would drop those as duplicates.
    /// </param>
    public static bool TryDecode(NatsHeaders? natsHeaders, byte[]? data, [NotNullWhen(true)] out BrokerMessage? message, [NotNullWhen(false)] out string? error, int deliveryCount = 1, bool dropNatsHeaders = false)
    {
        data ??= [];

        // The header array is built once and owned by the message: BrokerMessage does not copy it again.
        var headers = ToArray(natsHeaders, dropNatsHeaders);
        var native = false;
        foreach (var (key, _) in headers)
        {
            native |= key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Micro-", StringComparison.OrdinalIgnoreCase);
        }

        if (native || !IsEnvelope(data))
        {
            message = BrokerMessage.FromOwnedHeaders(headers, data, deliveryCount);
            error = null;
            return true;
        }

        if (!GoMicroEnvelope.TryRead(data, out var envelopeHeaders, out var body, out var readError))
        {
            message = null;
            error = readError ?? "unreadable envelope";
            return false;
        }

        message = BrokerMessage.FromOwnedHeaders(Merge(headers, envelopeHeaders), body ?? [], deliveryCount);
        error = null;
        return true;
    }

    /// <summary>
    /// A JSON object with a member named exactly <c>Header</c> or <c>Body</c> at the top, as Go's encoding/json writes a
    /// broker.Message. The exact case keeps a raw JSON payload with, say, a <c>body</c> field a raw payload.
    /// </summary>
    internal static bool IsEnvelope(ReadOnlySpan<byte> data)
    {
        var start = 0;
        while (start < data.Length && data[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            start++;
        }

        if (start == data.Length || data[start] != '{')
        {
            return false;
        }

        var reader = new Utf8JsonReader(data[start..]);
        try
        {
            reader.Read();
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("Header"u8) || reader.ValueTextEquals("Body"u8))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Text that is not a JSON object is not an envelope; it is handed on as a raw body.
        }

        return false;
    }

    /// <summary>NATS headers an intermediary added (none come from Go Micro) are kept unless the envelope names them too.</summary>
    private static KeyValuePair<string, string>[] Merge(KeyValuePair<string, string>[] natsHeaders, KeyValuePair<string, string>[]? envelopeHeaders)
    {
        if (envelopeHeaders is null or [])
        {
            return natsHeaders;
        }

        if (natsHeaders.Length == 0)
        {
            return envelopeHeaders;
        }

        var items = new KeyValuePair<string, string>[natsHeaders.Length + envelopeHeaders.Length];
        natsHeaders.CopyTo(items, 0);
        var count = natsHeaders.Length;
        foreach (var (key, value) in envelopeHeaders)
        {
            // Only when an intermediary added NATS headers to an envelope: rare enough for a closure.
            var index = Array.FindIndex(natsHeaders, h => string.Equals(h.Key, key, StringComparison.Ordinal));
            items[index >= 0 ? index : count++] = new(key, value);
        }

        return count == items.Length ? items : items[..count];
    }

    /// <summary>The NATS headers as a new array (NATS.Net's keys are unique); empty without headers.</summary>
    private static KeyValuePair<string, string>[] ToArray(NatsHeaders? natsHeaders, bool dropNatsHeaders)
    {
        if (natsHeaders is null || natsHeaders.Count == 0)
        {
            return [];
        }

        var items = new KeyValuePair<string, string>[natsHeaders.Count];
        var i = 0;
        foreach (var (key, value) in natsHeaders)
        {
            if (!dropNatsHeaders || !key.StartsWith("Nats-", StringComparison.OrdinalIgnoreCase))
            {
                items[i++] = new(key, value.ToString());
            }
        }

        return i == items.Length ? items : items[..i];
    }
}
