using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using MicroHosting.Broker.Internal;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Writes a <see cref="BrokerMessage"/> as a NATS message in the chosen <see cref="NatsMessageFormat"/>, and reads every
/// format back: NATS headers naming <c>Content-Type</c> or a <c>Micro-*</c> header are native; otherwise a JSON object with
/// a top-level <c>Header</c> or <c>Body</c> member is Go Micro's envelope; anything else is a raw body.
/// </summary>
internal static class NatsWireFormat
{
    public static ReadOnlyMemory<byte> Encode(BrokerMessage message, NatsMessageFormat format, out NatsHeaders? headers)
    {
        if (format == NatsMessageFormat.GoMicro)
        {
            // Go Micro's broker publishes codec.Marshal(broker.Message) and nothing else: no NATS headers.
            headers = null;
            return GoMicroEnvelope.Write(message.Headers, message.Body.Span);
        }

        headers = new NatsHeaders();
        foreach (var (key, value) in message.Headers)
        {
            headers[key] = value;
        }

        return message.Body;
    }

    /// <summary>Reads a received message; false with <paramref name="error"/> when it is a Go Micro envelope that cannot be read.</summary>
    public static bool TryDecode(NatsHeaders? natsHeaders, byte[]? data, [NotNullWhen(true)] out BrokerMessage? message, [NotNullWhen(false)] out string? error)
    {
        data ??= [];
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var native = false;
        if (natsHeaders is not null)
        {
            foreach (var (key, value) in natsHeaders)
            {
                headers[key] = value.ToString();
                native |= key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Micro-", StringComparison.OrdinalIgnoreCase);
            }
        }

        if (native || !IsEnvelope(data))
        {
            message = new BrokerMessage(headers, data);
            error = null;
            return true;
        }

        if (!GoMicroEnvelope.TryRead(data, out var envelopeHeaders, out var body, out var readError))
        {
            message = null;
            error = readError ?? "unreadable envelope";
            return false;
        }

        // NATS headers an intermediary added (none come from Go Micro) are kept unless the envelope names them too.
        if (envelopeHeaders is not null)
        {
            foreach (var (key, value) in envelopeHeaders)
            {
                headers[key] = value;
            }
        }

        message = new BrokerMessage(headers, body ?? []);
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
}
