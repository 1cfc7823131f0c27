using System.Buffers;
using System.Text;
using System.Text.Json;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Go Micro's broker message on the wire: <c>json.Marshal(broker.Message)</c>, that is
/// <c>{"Header":{...},"Body":"&lt;base64&gt;"}</c>, written byte for byte as Go's <c>encoding/json</c> writes it (map keys
/// sorted, HTML characters escaped) and read as leniently as Go reads it (case-insensitive field names, unknown fields ignored).
/// </summary>
internal static class GoMicroEnvelope
{
    private static readonly byte[] Hex = "0123456789abcdef"u8.ToArray();

    public static byte[] Write(IReadOnlyDictionary<string, string> headers, ReadOnlySpan<byte> body)
    {
        var output = new ArrayBufferWriter<byte>(128 + (body.Length * 4 / 3));
        Append(output, "{\"Header\":{"u8);
        var keys = headers.Keys.ToArray();
        Array.Sort(keys, CompareUtf8);
        for (var i = 0; i < keys.Length; i++)
        {
            if (i > 0)
            {
                Append(output, ","u8);
            }

            WriteString(output, keys[i]);
            Append(output, ":"u8);
            WriteString(output, headers[keys[i]]);
        }

        Append(output, "},\"Body\":\""u8);
        var base64 = output.GetSpan(Base64LengthOf(body.Length));
        System.Buffers.Text.Base64.EncodeToUtf8(body, base64, out _, out var bytesWritten);
        output.Advance(bytesWritten);
        Append(output, "\"}"u8);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>Parses an envelope; on failure <paramref name="error"/> says why, in the words Go Micro's receiver would use after "Error parsing request body: ".</summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out Dictionary<string, string>? headers, out byte[]? body, out string? error)
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
                var name = reader.GetString();
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

    private static bool ReadHeader(ref Utf8JsonReader reader, out Dictionary<string, string>? headers, out string? error)
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

        headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String)
            {
                error = $"json: cannot unmarshal {Kind(reader.TokenType)} into Go struct field Message.Header of type string";
                return false;
            }

            headers[key] = reader.GetString()!;
        }

        return true;
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

    private static int CompareUtf8(string a, string b)
    {
        // Go sorts map keys by their UTF-8 bytes; UTF-16 ordinal order differs only above the surrogate range.
        return Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));
    }

    private static void Append(ArrayBufferWriter<byte> output, ReadOnlySpan<byte> bytes) => output.Write(bytes);

    /// <summary>Writes a JSON string as Go's encoding/json does with HTML escaping on (json.Marshal's default).</summary>
    private static void WriteString(ArrayBufferWriter<byte> output, string value)
    {
        Append(output, "\""u8);
        var bytes = Encoding.UTF8.GetBytes(value);
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            if (b >= 0x20 && b != '"' && b != '\\' && b != '<' && b != '>' && b != '&')
            {
                // U+2028 and U+2029 (E2 80 A8 / E2 80 A9) are escaped because JSONP would break on them.
                if (b == 0xE2 && i + 2 < bytes.Length && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9))
                {
                    Append(output, bytes.AsSpan(start, i - start));
                    Append(output, bytes[i + 2] == 0xA8 ? "\\u2028"u8 : "\\u2029"u8);
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
            Append(output, bytes.AsSpan(start, i - start));
            if (escape.Length > 0)
            {
                Append(output, escape);
            }
            else
            {
                Append(output, "\\u00"u8);
                Append(output, [Hex[b >> 4], Hex[b & 0xF]]);
            }

            start = i + 1;
        }

        Append(output, bytes.AsSpan(start));
        Append(output, "\""u8);
    }
}
