using System.Buffers;

namespace MicroHosting.Codecs;

/// <summary><c>application/octet-stream</c>: the body is the message, for <see cref="byte"/>[] and <see cref="ReadOnlyMemory{T}"/> of bytes.</summary>
public sealed class BytesMicroCodec : MicroCodec
{
    /// <inheritdoc />
    public override string ContentType => MicroContentTypes.OctetStream;

    /// <inheritdoc />
    public override bool CanHandle(Type type) => type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>);

    /// <inheritdoc />
    public override T Decode<T>(ReadOnlySequence<byte> data)
    {
        var bytes = data.ToArray();
        if (typeof(T) == typeof(byte[]))
        {
            return (T)(object)bytes;
        }

        if (typeof(T) == typeof(ReadOnlyMemory<byte>))
        {
            return (T)(object)new ReadOnlyMemory<byte>(bytes);
        }

        if (typeof(T) == typeof(Memory<byte>))
        {
            return (T)(object)new Memory<byte>(bytes);
        }

        throw new MicroCodecException($"{typeof(T).Name} cannot be read from application/octet-stream; use byte[] or ReadOnlyMemory<byte>.");
    }

    /// <inheritdoc />
    public override void Encode<T>(IBufferWriter<byte> output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        ReadOnlySpan<byte> span = value switch
        {
            byte[] array => array,
            ReadOnlyMemory<byte> memory => memory.Span,
            Memory<byte> memory => memory.Span,
            null => [],
            _ => throw new MicroCodecException($"{typeof(T).Name} cannot be written as application/octet-stream; use byte[] or ReadOnlyMemory<byte>."),
        };
        output.Write(span);
    }
}
