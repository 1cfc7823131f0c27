using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace MicroHosting.Codecs;

/// <summary>
/// Go Micro's legacy <c>application/json-rpc</c> (JSON-RPC 1.0, <c>codec/jsonrpc</c>), which Go clients use for a node
/// without <c>protocol</c> metadata or when told to: a request is <c>{"method":..,"params":[&lt;message&gt;],"id":..}</c>, a
/// reply <c>{"id":null,"result":&lt;message&gt;,"error":null}</c> (Go's client does not match the id). The message inside is
/// JSON as <see cref="JsonMicroCodec"/> writes it. Errors are carried by the server as <c>{"error":"&lt;error JSON&gt;"}</c>.
/// </summary>
internal sealed class JsonRpcMicroCodec(JsonMicroCodec inner) : MicroCodec
{
    public const string MediaType = "application/json-rpc";

    /// <inheritdoc />
    public override string ContentType => MediaType;

    /// <inheritdoc />
    public override bool CanHandle(Type type) => inner.CanHandle(type);

    /// <inheritdoc />
    public override T Decode<T>(ReadOnlySequence<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        try
        {
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new MicroCodecException($"An {MediaType} body is a JSON object with \"params\" or \"result\"; this one is {root.ValueKind}.");
            }

            // A request carries the message in params[0], a reply in result. A Go client that sends a raw frame under this
            // content type (bytes.Frame skips the codec) sends the bare message: take the object itself then.
            var message = root;
            if (root.TryGetProperty("method", out _) && root.TryGetProperty("params", out var parameters))
            {
                message = parameters.ValueKind == JsonValueKind.Array ? (parameters.GetArrayLength() > 0 ? parameters[0] : default) : parameters;
            }
            else if (root.TryGetProperty("result", out var result) && root.TryGetProperty("id", out _))
            {
                message = result;
            }

            var raw = message.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? "{}"u8.ToArray() : JsonMarshal.GetRawUtf8Value(message).ToArray();
            return inner.Decode<T>(new ReadOnlySequence<byte>(raw));
        }
        catch (JsonException ex)
        {
            throw new MicroCodecException($"The body is not valid {MediaType}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public override void Encode<T>(IBufferWriter<byte> output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write("{\"id\":null,\"result\":"u8);
        inner.Encode(output, value);
        output.Write(",\"error\":null}\n"u8);
    }

    /// <summary>The reply body of an error: Go's client reads the body before the headers, so an empty one reads as <c>EOF</c>.</summary>
    public static byte[] ErrorBody(string errorJson)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNull("id");
            writer.WriteNull("result");
            writer.WriteString("error", errorJson);
            writer.WriteEndObject();
        }

        return output.WrittenSpan.ToArray();
    }
}
