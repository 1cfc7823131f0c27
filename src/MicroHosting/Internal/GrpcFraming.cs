using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace MicroHosting.Internal;

/// <summary>
/// gRPC's message framing (gRPC over HTTP/2, "Length-Prefixed-Message"), for both ends of MicroHosting's gRPC wire: a
/// flag byte (1 = compressed with the stream's <c>grpc-encoding</c>), the length as a 4-byte big-endian integer, then
/// the message. Compressed messages are decompressed here, with the decompressed size bounded by the same limit as an
/// uncompressed one, so a small frame that inflates without end (a compression bomb) costs at most that limit.
/// </summary>
internal static class GrpcFraming
{
    public const int HeaderSize = 5;
    public const string EncodingHeader = "grpc-encoding";
    public const string AcceptEncodingHeader = "grpc-accept-encoding";
    public const string Identity = "identity";
    public const string Gzip = "gzip";

    /// <summary>The message encodings MicroHosting reads, as <c>grpc-accept-encoding</c> lists them.</summary>
    public const string SupportedEncodings = "identity,gzip";

    private const int ChunkSize = 16 * 1024;

    /// <summary>Gets whether a <c>grpc-encoding</c> value is one MicroHosting reads (none, <c>identity</c> or <c>gzip</c>).</summary>
    public static bool IsSupported(string? encoding)
        => string.IsNullOrEmpty(encoding) || string.Equals(encoding, Identity, StringComparison.OrdinalIgnoreCase) || string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase);

    /// <summary>Writes the frame header of an uncompressed message of <paramref name="length"/> bytes.</summary>
    public static void WriteHeader(Span<byte> destination, int length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>: <see langword="false"/> when it holds less than a
    /// frame. <paramref name="message"/> is the message, decompressed into <paramref name="scratch"/> when the frame is
    /// compressed (valid until the next call with that scratch buffer).
    /// </summary>
    /// <exception cref="GrpcFrameException">The frame is larger than <paramref name="maxMessageSize"/> (before or after
    /// decompression), has an unknown flag, or is compressed without a supported <c>grpc-encoding</c>, or does not inflate.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, long maxMessageSize, string? encoding, PooledBufferWriter scratch, out ReadOnlySequence<byte> message)
    {
        message = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var flag = header[0];
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (flag > 1)
        {
            throw new GrpcFrameException(GrpcStatusMap.Internal, $"a gRPC frame has the flag {flag}; only 0 (plain) and 1 (compressed) exist");
        }

        if (length > maxMessageSize)
        {
            throw TooLarge(length.ToString(System.Globalization.CultureInfo.InvariantCulture), maxMessageSize);
        }

        if (buffer.Length < HeaderSize + length)
        {
            return false;
        }

        var payload = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(payload.End);
        message = flag == 0 ? payload : Decompress(payload, encoding, maxMessageSize, scratch);
        return true;
    }

    /// <summary>Inflates a compressed message into <paramref name="scratch"/>, stopping at one byte past the limit.</summary>
    public static ReadOnlySequence<byte> Decompress(ReadOnlySequence<byte> payload, string? encoding, long maxMessageSize, PooledBufferWriter scratch)
    {
        if (string.IsNullOrEmpty(encoding) || string.Equals(encoding, Identity, StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcFrameException(GrpcStatusMap.Internal, $"a gRPC message is flagged compressed but the stream's grpc-encoding is '{encoding ?? "(none)"}'");
        }

        if (!string.Equals(encoding, Gzip, StringComparison.OrdinalIgnoreCase))
        {
            throw new GrpcFrameException(GrpcStatusMap.Unimplemented, $"grpc-encoding '{encoding}' is not supported; supported: {SupportedEncodings}");
        }

        var compressed = payload.IsSingleSegment && MemoryMarshal.TryGetArray(payload.First, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(payload.ToArray(), writable: false);
        scratch.Clear();
        try
        {
            using var gzip = new GZipStream(compressed, CompressionMode.Decompress);
            while (true)
            {
                // At most one byte past the limit is inflated: enough to know the message is over it.
                var room = (int)Math.Min(ChunkSize, maxMessageSize + 1 - scratch.WrittenCount);
                var read = gzip.Read(scratch.GetSpan(room)[..room]);
                if (read == 0)
                {
                    break;
                }

                scratch.Advance(read);
                if (scratch.WrittenCount > maxMessageSize)
                {
                    throw TooLarge("more than " + maxMessageSize.ToString(System.Globalization.CultureInfo.InvariantCulture), maxMessageSize);
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new GrpcFrameException(GrpcStatusMap.Internal, $"a gzip-compressed gRPC message does not inflate: {ex.Message}", ex);
        }

        return new ReadOnlySequence<byte>(scratch.WrittenMemory);
    }

    private static GrpcFrameException TooLarge(string size, long maxMessageSize)
        => new(GrpcStatusMap.ResourceExhausted, $"a gRPC message of {size} bytes exceeds the limit of {maxMessageSize} bytes");
}
