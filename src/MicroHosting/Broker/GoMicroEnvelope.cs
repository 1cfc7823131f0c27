using System.Buffers;
using System.Text;
using System.Text.Json;

using MicroHosting.Broker.Internal;

namespace MicroHosting.Broker;

/// <summary>
/// Go Micro's broker message on the wire: <c>json.Marshal(broker.Message)</c>, that is
/// <c>{"Header":{...},"Body":"&lt;base64&gt;"}</c>, written byte for byte as Go's <c>encoding/json</c> writes it (map keys
/// sorted, HTML characters escaped) and read as leniently as Go reads it (case-insensitive field names, unknown fields ignored).
/// <para>
/// Go Micro's brokers (http, NATS, and the others of go-plugins) carry every message in this envelope. A broker plug-in
/// that talks to Go Micro services writes it on publish and reads it on receipt; the http and NATS brokers use it so.
/// </para>
/// </summary>
public static class GoMicroEnvelope
{
    /// <summary>Go Micro v1's routing key in the envelope (removed from the message's headers on receipt).</summary>
    public const string V1TopicHeader = ":topic";

    /// <summary>Go Micro v2.5+'s routing key in the envelope, also a message header in every generation.</summary>
    public const string TopicHeader = "Micro-Topic";

    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    /// <summary>Writes the envelope into a new array.</summary>
    /// <param name="headers">The message headers (a <see cref="BrokerMessage.Headers"/> is written without a copy).</param>
    /// <param name="body">The encoded body, written as base64.</param>
    /// <returns>The envelope's UTF-8 JSON.</returns>
    public static byte[] Write(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var output = new ArrayBufferWriter<byte>(128 + (body.Length * 4 / 3));
        Write(output, headers is BrokerHeaders own ? own.AsSpan() : headers.ToArray(), body);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Writes the envelope into <paramref name="output"/> (for example NATS.Net's pooled payload buffer, so no array is
    /// made per message). <paramref name="headers"/> must have unique keys; they are written sorted, in a pooled copy.
    /// </summary>
    /// <param name="output">Where the envelope's UTF-8 JSON goes.</param>
    /// <param name="headers">The headers, unique keys (<see cref="BrokerMessage.HeaderItems"/>).</param>
    /// <param name="body">The encoded body, written as base64.</param>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<KeyValuePair<string, string>> headers, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"Header\":{"u8);
        if (headers.Length > 0)
        {
            var sorted = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(headers.Length);
            try
            {
                var keys = sorted.AsSpan(0, headers.Length);
                headers.CopyTo(keys);
                keys.Sort(static (a, b) => CompareUtf8(a.Key, b.Key));
                for (var i = 0; i < keys.Length; i++)
                {
                    if (i > 0)
                    {
                        output.Write(","u8);
                    }

                    WriteString(output, keys[i].Key);
                    output.Write(":"u8);
                    WriteString(output, keys[i].Value);
                }
            }
            finally
            {
                ArrayPool<KeyValuePair<string, string>>.Shared.Return(sorted, clearArray: true);
            }
        }

        output.Write("},\"Body\":\""u8);
        var base64 = output.GetSpan(Base64LengthOf(body.Length));
        System.Buffers.Text.Base64.EncodeToUtf8(body, base64, out _, out var bytesWritten);
        output.Advance(bytesWritten);
        output.Write("\"}"u8);
    }

    /// <summary>
    /// Parses an envelope; on failure <paramref name="error"/> says why, in the words Go Micro's receiver would use after
    /// "Error parsing request body: ". <paramref name="headers"/> are in wire order with unique keys (a key given twice
    /// keeps its last value, as Go's map does), in a new array the caller may own (<see cref="BrokerMessage.FromOwnedHeaders"/>).
    /// </summary>
    /// <param name="json">The envelope's UTF-8 JSON.</param>
    /// <param name="headers">The headers; <see langword="null"/> when the envelope has none (or its <c>Header</c> is null).</param>
    /// <param name="body">The decoded body; <see langword="null"/> when the envelope has none.</param>
    /// <param name="error">Why the envelope cannot be read; <see langword="null"/> on success.</param>
    /// <returns><see langword="true"/> when the envelope was read.</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, out KeyValuePair<string, string>[]? headers, out byte[]? body, out string? error)
    {
        headers = null;
        body = null;
        error = null;
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read())
            {
                error = "unexpected end of JSON input";
                return false;
            }

            if (reader.TokenType == JsonTokenType.Null)
            {
                return Finish(ref reader, ref error);
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error = $"json: cannot unmarshal {Kind(reader.TokenType)} into Go value of type broker.Message";
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // Go matches field names case-insensitively; the exact names Go writes are checked without a string.
                var name = reader.ValueTextEquals("Header"u8) ? "Header" : reader.ValueTextEquals("Body"u8) ? "Body" : reader.GetString();
                reader.Read();
                if (string.Equals(name, "Header", StringComparison.OrdinalIgnoreCase))
                {
                    if (!ReadHeader(ref reader, out headers, out error))
                    {
                        return false;
                    }
                }
                else if (string.Equals(name, "Body", StringComparison.OrdinalIgnoreCase))
                {
                    if (!ReadBody(ref reader, out body, out error))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Skip();
                }
            }

            return Finish(ref reader, ref error);
        }
        catch (JsonException ex)
        {
            error = ex.Message;
            return false;
        }
    }

    private static bool Finish(ref Utf8JsonReader reader, ref string? error)
    {
        if (reader.Read())
        {
            error = "invalid character after top-level value";
            return false;
        }

        return true;
    }

    private static bool ReadHeader(ref Utf8JsonReader reader, out KeyValuePair<string, string>[]? headers, out string? error)
    {
        headers = null;
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            error = $"json: cannot unmarshal {Kind(reader.TokenType)} into Go struct field Message.Header of type map[string]string";
            reader.Skip();
            return false;
        }

        // Read into a pooled scratch array, then copy to one array of the exact size.
        var scratch = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(16);
        var count = 0;
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var key = KnownName(ref reader) ?? reader.GetString()!;
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    error = $"json: cannot unmarshal {Kind(reader.TokenType)} into Go struct field Message.Header of type string";
                    return false;
                }

                var item = new KeyValuePair<string, string>(key, reader.GetString()!);
                var index = BrokerHeaders.IndexOf(scratch.AsSpan(0, count), key);
                if (index >= 0)
                {
                    scratch[index] = item;
                    continue;
                }

                if (count == scratch.Length)
                {
                    var larger = ArrayPool<KeyValuePair<string, string>>.Shared.Rent(count * 2);
                    scratch.AsSpan(0, count).CopyTo(larger);
                    ArrayPool<KeyValuePair<string, string>>.Shared.Return(scratch, clearArray: true);
                    scratch = larger;
                }

                scratch[count++] = item;
            }

            headers = count == 0 ? [] : scratch.AsSpan(0, count).ToArray();
            return true;
        }
        finally
        {
            ArrayPool<KeyValuePair<string, string>>.Shared.Return(scratch, clearArray: true);
        }
    }

    /// <summary>The header names every MicroHosting and Go Micro message carries, without a new string per message.</summary>
    private static string? KnownName(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped)
        {
            return null;
        }

        var name = reader.ValueSpan;
        return name switch
        {
            _ when name.SequenceEqual("Content-Type"u8) => "Content-Type",
            _ when name.SequenceEqual("Micro-Topic"u8) => "Micro-Topic",
            _ when name.SequenceEqual("Micro-Id"u8) => "Micro-Id",
            _ when name.SequenceEqual("Micro-From-Service"u8) => "Micro-From-Service",
            _ when name.SequenceEqual(":topic"u8) => ":topic",
            _ => null,
        };
    }

    private static bool ReadBody(ref Utf8JsonReader reader, out byte[]? body, out string? error)
    {
        body = null;
        error = null;
        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            error = $"json: cannot unmarshal {Kind(reader.TokenType)} into Go struct field Message.Body of type []uint8";
            return false;
        }

        if (!reader.TryGetBytesFromBase64(out body))
        {
            error = "illegal base64 data in Message.Body";
            return false;
        }

        return true;
    }

    private static string Kind(JsonTokenType type) => type switch
    {
        JsonTokenType.StartObject => "object",
        JsonTokenType.StartArray => "array",
        JsonTokenType.String => "string",
        JsonTokenType.Number => "number",
        JsonTokenType.True or JsonTokenType.False => "bool",
        _ => "value",
    };

    private static int Base64LengthOf(int length) => ((length + 2) / 3) * 4;

    /// <summary>
    /// Go sorts map keys by their UTF-8 bytes, which is code point order. UTF-16 ordinal order differs only where a
    /// surrogate (a code point above U+FFFF) meets U+E000-U+FFFF, so those two ranges swap places before comparing.
    /// </summary>
    private static int CompareUtf8(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return CodePointOrder(a[i]) - CodePointOrder(b[i]);
            }
        }

        return a.Length - b.Length;
    }

    private static int CodePointOrder(char c) => c switch
    {
        >= '\uE000' => c - 0x800,
        >= '\uD800' => c + 0x2000,
        _ => c,
    };

    /// <summary>Writes a JSON string as Go's encoding/json does with HTML escaping on (json.Marshal's default).</summary>
    private static void WriteString(IBufferWriter<byte> output, string value)
    {
        // Header names and values are short: encoded on the stack, pooled beyond that.
        var maxLength = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = maxLength <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        try
        {
            WriteEscaped(output, buffer[..Encoding.UTF8.GetBytes(value, buffer)]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void WriteEscaped(IBufferWriter<byte> output, ReadOnlySpan<byte> bytes)
    {
        output.Write("\""u8);
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&')
            {
                // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) are escaped because JSONP would break on them.
                if (b == 0xE2 && i + 2 < bytes.Length && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9))
                {
                    output.Write(bytes[start..i]);
                    output.Write(bytes[i + 2] == 0xA8 ? "\\u2028"u8 : "\\u2029"u8);
                    i += 2;
                    start = i + 1;
                }

                continue;
            }

            var escape = b switch
            {
                (byte)'"' => "\\\""u8,
                (byte)'\\' => "\\\\"u8,
                (byte)'\n' => "\\n"u8,
                (byte)'\r' => "\\r"u8,
                (byte)'\t' => "\\t"u8,
                (byte)'\b' => "\\b"u8,
                (byte)'\f' => "\\f"u8,
                _ => [],
            };
            output.Write(bytes[start..i]);
            if (escape.Length > 0)
            {
                output.Write(escape);
            }
            else
            {
                output.Write("\\u00"u8);
                output.Write([Hex[b >> 4], Hex[b & 0xF]]);
            }

            start = i + 1;
        }

        output.Write(bytes[start..]);
        output.Write("\""u8);
    }
}
