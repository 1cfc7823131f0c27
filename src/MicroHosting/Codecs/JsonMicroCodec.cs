using System.Buffers;
using System.Text;
using System.Text.Json;
using Google.Protobuf;
using MicroHosting.Codecs.Internal;

namespace MicroHosting.Codecs;

/// <summary>
/// <c>application/json</c>: System.Text.Json for plain .NET types, and protobuf-JSON (Google.Protobuf's
/// formatter and parser) for generated protobuf messages, as Go Micro's JSON codec does.
/// </summary>
public sealed class JsonMicroCodec : MicroCodec
{
    private static readonly JsonParser ProtoParser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    // Zero values are written out, so a reply such as {"count":0} is not an empty object to its reader.
    private static readonly JsonFormatter ProtoFormatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));
    private static readonly ReadOnlySequence<byte> EmptyObject = new("{}"u8.ToArray());
    private readonly JsonSerializerOptions _options;
    private readonly JsonWriterOptions _writerOptions;

    /// <summary>Creates the codec.</summary>
    /// <param name="options">Serializer options; <see cref="JsonSerializerOptions.Web"/> (camelCase names, case-insensitive reads) when <see langword="null"/>.</param>
    public JsonMicroCodec(JsonSerializerOptions? options = null)
    {
        _options = options ?? JsonSerializerOptions.Web;
        _options.MakeReadOnly(populateMissingResolver: true);
        _writerOptions = new JsonWriterOptions { Encoder = _options.Encoder, Indented = _options.WriteIndented, SkipValidation = true };
    }

    /// <inheritdoc />
    public override string ContentType => MicroContentTypes.Json;

    /// <inheritdoc />
    public override IReadOnlyList<string> AdditionalContentTypes { get; } = ["text/json"];

    /// <summary>Gets the serializer options this codec uses.</summary>
    public JsonSerializerOptions SerializerOptions => _options;

    /// <inheritdoc />
    public override bool CanHandle(Type type) => true;

    /// <inheritdoc />
    public override T Decode<T>(ReadOnlySequence<byte> data)
    {
        try
        {
            if (data.IsEmpty)
            {
                // An empty body is an empty message, as it is for protobuf (Go Micro clients send one for Debug.Health).
                data = EmptyObject;
            }

            if (ProtobufTypeInfo<T>.IsMessage)
            {
                var text = Encoding.UTF8.GetString(data);
                return (T)ProtoParser.Parse(text, ProtobufTypeInfo<T>.Descriptor!);
            }

            T? value;
            if (data.IsSingleSegment)
            {
                // The common case (a small body in one buffer): the span overload allocates nothing beyond the value.
                value = JsonSerializer.Deserialize<T>(data.FirstSpan, _options);
            }
            else
            {
                var reader = new Utf8JsonReader(data);
                value = JsonSerializer.Deserialize<T>(ref reader, _options);
            }

            if (value is null && default(T) is not null)
            {
                throw new MicroCodecException($"The JSON body was null; expected a {typeof(T).Name}.");
            }

            return value!;
        }
        catch (Exception ex) when (ex is JsonException or InvalidJsonException or InvalidProtocolBufferException or InvalidOperationException or FormatException or NotSupportedException or ArgumentException)
        {
            throw new MicroCodecException($"The body is not valid JSON for {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public override void Encode<T>(IBufferWriter<byte> output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (ProtobufTypeInfo<T>.IsMessage && value is IMessage message)
        {
            var text = ProtoFormatter.Format(message);
            Encoding.UTF8.GetBytes(text, output);
            return;
        }

        using var writer = Utf8JsonWriterCache.Rent(output, _writerOptions);
        JsonSerializer.Serialize(writer.Writer, value, _options);
    }
}
