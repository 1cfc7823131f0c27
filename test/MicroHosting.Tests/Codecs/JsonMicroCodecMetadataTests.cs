using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using MicroHosting.Codecs;

namespace MicroHosting.Tests.Codecs;

/// <summary>
/// The JSON codec with source-generated metadata, as a Native AOT app configures it (reflection-based serialization is
/// off there): the context's types round-trip, and a type it lacks fails saying what to add.
/// </summary>
public sealed partial class JsonMicroCodecMetadataTests
{
    [Fact]
    public void EncodeDecode_SourceGeneratedContext_RoundTripsWithTheWebDefaults()
    {
        var codec = new JsonMicroCodec(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = OrderJsonContext.Default });
        var output = new ArrayBufferWriter<byte>();

        codec.Encode(output, new Order("A-1", 3));
        var decoded = codec.Decode<Order>(new ReadOnlySequence<byte>("""{"ID":"B-2","quantity":5}"""u8.ToArray()));

        Assert.Equal("""{"id":"A-1","quantity":3}""", System.Text.Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal(new Order("B-2", 5), decoded);
    }

    [Fact]
    public void Decode_TypeMissingFromTheResolver_ThrowsNamingTheTypeAndTheFix()
    {
        var codec = new JsonMicroCodec(new JsonSerializerOptions(JsonSerializerDefaults.Web) { TypeInfoResolver = JsonTypeInfoResolver.Combine(OrderJsonContext.Default) });

        var decode = Assert.Throws<InvalidOperationException>(() => codec.Decode<Unlisted>(new ReadOnlySequence<byte>("{}"u8.ToArray())));
        var encode = Assert.Throws<InvalidOperationException>(() => codec.Encode(new ArrayBufferWriter<byte>(), new Unlisted()));

        Assert.Contains($"no serialization metadata for {typeof(Unlisted).FullName}", decode.Message, StringComparison.Ordinal);
        Assert.Contains("[JsonSerializable(typeof(Unlisted))]", decode.Message, StringComparison.Ordinal);
        Assert.Equal(decode.Message, encode.Message);
    }

    public sealed record Order(string Id, int Quantity);

    public sealed record Unlisted;

    [JsonSerializable(typeof(Order))]
    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
    internal sealed partial class OrderJsonContext : JsonSerializerContext;
}
