using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace MicroHosting.Codecs;

/// <summary>
/// Go Micro's legacy <c>application/proto-rpc</c> (<c>codec/protorpc</c>), which Go clients use for a node without
/// <c>protocol</c> metadata or when told to: two "netstrings" (a 4-byte big-endian length, then the bytes), the first a
/// protobuf envelope (request: <c>service_method = 1</c>, <c>seq = 2</c> fixed64; reply: the same and <c>error = 3</c>),
/// the second the protobuf message. A reply's envelope is empty, or carries the error JSON.
/// </summary>
internal sealed class ProtoRpcMicroCodec(ProtobufMicroCodec inner) : MicroCodec
{
    public const string MediaType = "application/proto-rpc";

    /// <inheritdoc />
    public override string ContentType => MediaType;

    /// <inheritdoc />
    public override bool CanHandle(Type type) => inner.CanHandle(type);

    /// <inheritdoc />
    public override T Decode<T>(ReadOnlySequence<byte> data)
    {
        var envelope = ReadNetString(ref data, "envelope");
        _ = envelope;
        var body = data.IsEmpty ? data : ReadNetString(ref data, "message");
        return inner.Decode<T>(body);
    }

    /// <inheritdoc />
    public override void Encode<T>(IBufferWriter<byte> output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        WriteLength(output, 0); // an empty reply envelope: no method, seq 0, no error
        using var body = new MicroHosting.Internal.PooledBufferWriter();
        inner.Encode(body, value);
        WriteLength(output, body.WrittenCount);
        output.Write(body.WrittenSpan);
    }

    /// <summary>The reply body of an error: an envelope whose <c>error</c> (field 3) is the error JSON, and an empty message.</summary>
    public static byte[] ErrorBody(string errorJson)
    {
        var text = Encoding.UTF8.GetBytes(errorJson);
        var envelope = new List<byte> { 0x1a }; // field 3, length-delimited
        for (var length = (uint)text.Length; ; length >>= 7)
        {
            if (length < 0x80)
            {
                envelope.Add((byte)length);
                break;
            }

            envelope.Add((byte)((length & 0x7f) | 0x80));
        }

        envelope.AddRange(text);
        var body = new byte[4 + envelope.Count + 4];
        BinaryPrimitives.WriteUInt32BigEndian(body, (uint)envelope.Count);
        envelope.CopyTo(body, 4);
        return body; // the message netstring: length 0
    }

    private static ReadOnlySequence<byte> ReadNetString(ref ReadOnlySequence<byte> data, string what)
    {
        if (data.Length < 4)
        {
            throw new MicroCodecException($"An {MediaType} body starts its {what} with a 4-byte length; {data.Length} bytes are left.");
        }

        Span<byte> prefix = stackalloc byte[4];
        data.Slice(0, 4).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > data.Length - 4)
        {
            throw new MicroCodecException($"The {MediaType} {what} says {length} bytes but {data.Length - 4} follow.");
        }

        var value = data.Slice(4, length);
        data = data.Slice(4 + length);
        return value;
    }

    private static void WriteLength(IBufferWriter<byte> output, int length)
    {
        BinaryPrimitives.WriteUInt32BigEndian(output.GetSpan(4), (uint)length);
        output.Advance(4);
    }
}
