using System.Buffers;
using System.Buffers.Binary;
using MicroHosting.Internal;

namespace MicroHosting.Codecs;

/// <summary>
/// Go Micro's <c>application/grpc</c>, <c>application/grpc+proto</c> and <c>application/grpc+json</c>: one message in gRPC's
/// 5-byte frame (flag 0, then the length as a 4-byte big-endian integer) around the inner codec's bytes.
/// The codec reads uncompressed frames (flag 0) only; on MicroHosting's gRPC wire (HTTP/2) a message compressed with the
/// call's <c>grpc-encoding</c> (gzip) is decompressed before it reaches the codec.
/// </summary>
public sealed class GrpcFramedMicroCodec : MicroCodec
{
    /// <summary>The content type of the built-in JSON-in-gRPC-framing codec.</summary>
    internal const string JsonMediaType = "application/grpc+json";

    private const int HeaderSize = 5;
    private readonly MicroCodec _inner;

    /// <summary>Creates the codec.</summary>
    /// <param name="contentType">The content type it serves, for example <c>application/grpc+json</c>.</param>
    /// <param name="inner">The codec of the framed bytes.</param>
    /// <param name="aliases">Further content types it serves.</param>
    public GrpcFramedMicroCodec(string contentType, MicroCodec inner, params string[] aliases)
    {
        ArgumentException.ThrowIfNullOrEmpty(contentType);
        ArgumentNullException.ThrowIfNull(inner);
        ContentType = contentType;
        _inner = inner;
        AdditionalContentTypes = aliases;
    }

    /// <inheritdoc />
    public override string ContentType { get; }

    /// <inheritdoc />
    public override IReadOnlyList<string> AdditionalContentTypes { get; }

    /// <inheritdoc />
    public override bool CanHandle(Type type) => _inner.CanHandle(type);

    /// <inheritdoc />
    public override T Decode<T>(ReadOnlySequence<byte> data)
    {
        if (data.Length < HeaderSize)
        {
            throw new MicroCodecException($"A {ContentType} body needs a 5-byte frame header; it has {data.Length} bytes.");
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        data.Slice(0, HeaderSize).CopyTo(header);
        if (header[0] != 0)
        {
            throw new MicroCodecException($"Compressed {ContentType} frames (flag {header[0]}) are read only on the gRPC wire (HTTP/2 with grpc-encoding: gzip); send flag 0.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length != data.Length - HeaderSize)
        {
            throw new MicroCodecException($"The {ContentType} frame says {length} bytes but {data.Length - HeaderSize} follow.");
        }

        return _inner.Decode<T>(data.Slice(HeaderSize));
    }

    /// <summary>Decodes one message already taken out of its frame (and decompressed) by the gRPC wire.</summary>
    internal T DecodeMessage<T>(ReadOnlySequence<byte> message) => _inner.Decode<T>(message);

    /// <inheritdoc />
    public override void Encode<T>(IBufferWriter<byte> output, T value)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var body = new PooledBufferWriter();
        _inner.Encode(body, value);
        var header = output.GetSpan(HeaderSize);
        header[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(header[1..], (uint)body.WrittenCount);
        output.Advance(HeaderSize);
        output.Write(body.WrittenSpan);
    }
}
