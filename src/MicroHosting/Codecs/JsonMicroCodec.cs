using System.Buffers;
using System.Text;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Google.Protobuf;
using MicroHosting.Codecs.Internal;

namespace MicroHosting.Codecs;

/// <summary>
/// <c>application/json</c>: System.Text.Json for plain .NET types, and protobuf-JSON (Google.Protobuf's
/// formatter and parser) for generated protobuf messages, as Go Micro's JSON codec does.
/// <para>
/// Plain .NET types go through the options' <see cref="JsonSerializerOptions.TypeInfoResolver"/>. By default that is
/// System.Text.Json's reflection resolver, except where reflection-based serialization is switched off (Native AOT and
/// trimmed apps): there give the codec options whose resolver is a <c>JsonSerializerContext</c> covering the request
/// and response types. Protobuf messages need no resolver.
/// </para>
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
    /// <param name="options">
    /// Serializer options; the <see cref="JsonSerializerDefaults.Web"/> defaults (camelCase names, case-insensitive reads)
    /// when <see langword="null"/>. Options without a <see cref="JsonSerializerOptions.TypeInfoResolver"/> get the
    /// reflection resolver where reflection-based serialization is enabled, and none under Native AOT.
    /// </param>
    public JsonMicroCodec(JsonSerializerOptions? options = null)
    {
        _options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        if (!_options.IsReadOnly)
        {
            _options.TypeInfoResolver ??= JsonSerializer.IsReflectionEnabledByDefault ? ReflectionResolver() : JsonTypeInfoResolver.Combine();
            _options.MakeReadOnly();
        }

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
        // Outside the try: missing metadata is the app's misconfiguration, not a bad body.
        var typeInfo = ProtobufTypeInfo<T>.IsMessage ? null : TypeInfo<T>();
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
                value = JsonSerializer.Deserialize(data.FirstSpan, typeInfo!);
            }
            else
            {
                var reader = new Utf8JsonReader(data);
                value = JsonSerializer.Deserialize(ref reader, typeInfo!);
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

        var typeInfo = TypeInfo<T>();
        using var writer = Utf8JsonWriterCache.Rent(output, _writerOptions);
        JsonSerializer.Serialize(writer.Writer, value, typeInfo);
    }

    // Only reached where JsonSerializer.IsReflectionEnabledByDefault is true; the trimmer removes the call (a feature
    // switch) in Native AOT and trimmed apps, where the reflection resolver is not available.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "Guarded by JsonSerializer.IsReflectionEnabledByDefault.")]
    private static DefaultJsonTypeInfoResolver ReflectionResolver() => new();

    private JsonTypeInfo<T> TypeInfo<T>()
    {
        // The last metadata resolved for T, as System.Text.Json keeps for its root type: the options' own lookup (a
        // concurrent dictionary by type) was ~1% of the server's CPU per call over h2c (small JSON, both directions).
        if (LastTypeInfo<T>.Value is { } last && ReferenceEquals(last.Options, _options))
        {
            return last;
        }

        if (_options.TryGetTypeInfo(typeof(T), out var typeInfo))
        {
            var typed = (JsonTypeInfo<T>)typeInfo;
            LastTypeInfo<T>.Value = typed;
            return typed;
        }

        throw new InvalidOperationException(
            $"The JSON codec has no serialization metadata for {typeof(T).FullName}. Reflection-based serialization is off (Native AOT or trimming): " +
            $"add the type to a JsonSerializerContext ([JsonSerializable(typeof({typeof(T).Name}))]) and give it to the codec, " +
            "for example new JsonMicroCodec(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = AppJsonContext.Default }).");
    }

    /// <summary>One cached entry per type, shared by codec instances: an instance with other options replaces it.</summary>
    private static class LastTypeInfo<T>
    {
        public static JsonTypeInfo<T>? Value;
    }
}
