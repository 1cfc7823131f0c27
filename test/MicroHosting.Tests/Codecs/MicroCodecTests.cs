using System.Buffers;
using MicroHosting.Codecs;
using Google.Protobuf;
using MicroHosting.Tests.Protos;

namespace MicroHosting.Tests.Codecs;

public sealed class MicroCodecTests
{
    private static readonly MicroCodecRegistry Registry = new([new JsonMicroCodec(), new ProtobufMicroCodec(), new BytesMicroCodec()]);

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("APPLICATION/JSON")]
    [InlineData("text/json")]
    public void TryGetCodec_JsonVariants_FindsJson(string contentType)
    {
        Assert.True(Registry.TryGetCodec(contentType, out var codec));
        Assert.IsType<JsonMicroCodec>(codec);
    }

    [Theory]
    [InlineData("text/xml")]
    [InlineData("")]
    [InlineData(null)]
    public void TryGetCodec_Unknown_ReturnsFalse(string? contentType) => Assert.False(Registry.TryGetCodec(contentType, out _));

    [Fact]
    public void Json_PlainType_RoundTripsCamelCase()
    {
        var bytes = Encode(new JsonMicroCodec(), new HelloReply("hi"));

        Assert.Equal("{\"message\":\"hi\"}", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal("hi", new JsonMicroCodec().Decode<HelloReply>(new ReadOnlySequence<byte>(bytes)).Message);
    }

    [Fact]
    public void Json_ProtobufMessage_UsesProtobufJson()
    {
        var codec = new JsonMicroCodec();
        var bytes = Encode(codec, new EchoReply { Text = "t", Number = 12 });

        Assert.Equal("{ \"text\": \"t\", \"number\": \"12\", \"tags\": [ ] }", System.Text.Encoding.UTF8.GetString(bytes));
        Assert.Equal(12, codec.Decode<EchoReply>(new ReadOnlySequence<byte>(bytes)).Number);
    }

    [Fact]
    public void Json_Malformed_ThrowsCodecException()
    {
        var ex = Assert.Throws<MicroCodecException>(() => new JsonMicroCodec().Decode<HelloReply>(new ReadOnlySequence<byte>("{\"message\":"u8.ToArray())));

        Assert.StartsWith("The body is not valid JSON for HelloReply", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\u0001\u0002")]
    [InlineData("{\"number\": \"x\"}")]
    [InlineData("{\"text\": ")]
    public void Json_MalformedProtobufJson_ThrowsCodecException(string body)
    {
        Assert.Throws<MicroCodecException>(() => new JsonMicroCodec().Decode<EchoRequest>(new ReadOnlySequence<byte>(System.Text.Encoding.UTF8.GetBytes(body))));
    }

    [Fact]
    public void Protobuf_RoundTrips()
    {
        var codec = new ProtobufMicroCodec();
        var bytes = Encode(codec, new EchoRequest { Text = "x", Number = -3, Tags = { "a", "b" } });

        var back = codec.Decode<EchoRequest>(new ReadOnlySequence<byte>(bytes));
        Assert.Equal(("x", -3L, 2), (back.Text, back.Number, back.Tags.Count));
    }

    [Fact]
    public void Protobuf_PlainType_IsNotHandled() => Assert.False(new ProtobufMicroCodec().CanHandle(typeof(HelloRequest)));

    [Fact]
    public void GrpcFramed_WritesFiveByteHeaderAndRoundTrips()
    {
        var codec = new GrpcFramedMicroCodec("application/grpc", new ProtobufMicroCodec());
        var message = new EchoRequest { Text = "framed" };

        var bytes = Encode(codec, message);

        Assert.Equal(0, bytes[0]);
        Assert.Equal(message.CalculateSize(), System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1, 4)));
        Assert.Equal("framed", codec.Decode<EchoRequest>(new ReadOnlySequence<byte>(bytes)).Text);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 0, 0, 0 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 9, 1 })]
    public void GrpcFramed_BadFrame_ThrowsCodecException(byte[] body)
    {
        var codec = new GrpcFramedMicroCodec("application/grpc", new ProtobufMicroCodec());

        Assert.Throws<MicroCodecException>(() => codec.Decode<EchoRequest>(new ReadOnlySequence<byte>(body)));
    }

    [Fact]
    public void Bytes_RoundTripsArrayAndMemory()
    {
        var codec = new BytesMicroCodec();

        Assert.Equal(new byte[] { 1, 2 }, Encode<byte[]>(codec, [1, 2]));
        Assert.Equal(new byte[] { 3 }, codec.Decode<ReadOnlyMemory<byte>>(new ReadOnlySequence<byte>(new byte[] { 3 })).ToArray());
    }

    private static byte[] Encode<T>(MicroCodec codec, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        codec.Encode(buffer, value);
        return buffer.WrittenSpan.ToArray();
    }
}
