using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using MicroHosting.Internal;

namespace MicroHosting.Tests.Internal;

public sealed class GrpcFramingTests
{
    private const long Limit = 1024 * 1024;

    [Fact]
    public void TryRead_PlainFrame_MessageAndTheRestLeft()
    {
        var bytes = Frame(0, "hello"u8.ToArray()).Concat(new byte[] { 0, 0 }).ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        using var scratch = new PooledBufferWriter();

        Assert.True(GrpcFraming.TryRead(ref buffer, Limit, encoding: null, scratch, out var message));

        Assert.Equal("hello"u8.ToArray(), message.ToArray());
        Assert.Equal(2, buffer.Length);
    }

    [Fact]
    public void TryRead_PartialFrame_FalseAndNothingTaken()
    {
        var buffer = new ReadOnlySequence<byte>(Frame(0, new byte[10])[..12]);
        using var scratch = new PooledBufferWriter();

        Assert.False(GrpcFraming.TryRead(ref buffer, Limit, encoding: null, scratch, out _));
        Assert.Equal(12, buffer.Length);
    }

    [Fact]
    public void TryRead_GzipFrame_Decompressed()
    {
        var original = Enumerable.Range(0, 10_000).Select(i => (byte)(i % 7)).ToArray();
        var buffer = new ReadOnlySequence<byte>(Frame(1, Gzip(original)));
        using var scratch = new PooledBufferWriter();

        Assert.True(GrpcFraming.TryRead(ref buffer, Limit, "gzip", scratch, out var message));

        Assert.Equal(original, message.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_CompressionBomb_ResourceExhaustedAndInflationStopsAtTheLimit()
    {
        // 64 MiB of zeros gzip to about 64 KiB: well under the limit on the wire, 64 times over it inflated.
        var bomb = Gzip(new byte[64 * 1024 * 1024]);
        Assert.True(bomb.Length < Limit);
        var buffer = new ReadOnlySequence<byte>(Frame(1, bomb));
        using var scratch = new PooledBufferWriter();

        var ex = Assert.Throws<GrpcFrameException>(() => GrpcFraming.TryRead(ref buffer, Limit, "gzip", scratch, out _));

        Assert.Equal(GrpcStatusMap.ResourceExhausted, ex.Status);
        Assert.Equal(413, ex.MicroCode);
        Assert.Contains($"exceeds the limit of {Limit} bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(Limit + 1, scratch.WrittenCount); // inflated one byte past the limit, no more
    }

    [Fact]
    public void TryRead_FrameLongerThanTheLimit_ResourceExhaustedBeforeReadingIt()
    {
        var header = new byte[5];
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), (uint)Limit + 1);
        var buffer = new ReadOnlySequence<byte>(header);
        using var scratch = new PooledBufferWriter();

        var ex = Assert.Throws<GrpcFrameException>(() => GrpcFraming.TryRead(ref buffer, Limit, encoding: null, scratch, out _));

        Assert.Equal(GrpcStatusMap.ResourceExhausted, ex.Status);
    }

    [Theory]
    [InlineData(1, "br", GrpcStatusMap.Unimplemented)]
    [InlineData(1, null, GrpcStatusMap.Internal)]
    [InlineData(1, "identity", GrpcStatusMap.Internal)]
    [InlineData(2, null, GrpcStatusMap.Internal)]
    public void TryRead_CompressedWithoutAReadableEncoding_StatusSaysWhy(byte flag, string? encoding, int status)
    {
        var buffer = new ReadOnlySequence<byte>(Frame(flag, Gzip("x"u8.ToArray())));
        using var scratch = new PooledBufferWriter();

        var ex = Assert.Throws<GrpcFrameException>(() => GrpcFraming.TryRead(ref buffer, Limit, encoding, scratch, out _));

        Assert.Equal(status, ex.Status);
    }

    [Fact]
    public void TryRead_GzipThatDoesNotInflate_Internal()
    {
        var buffer = new ReadOnlySequence<byte>(Frame(1, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]));
        using var scratch = new PooledBufferWriter();

        var ex = Assert.Throws<GrpcFrameException>(() => GrpcFraming.TryRead(ref buffer, Limit, "gzip", scratch, out _));

        Assert.Equal(GrpcStatusMap.Internal, ex.Status);
        Assert.Contains("does not inflate", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("", true)]
    [InlineData("identity", true)]
    [InlineData("gzip", true)]
    [InlineData("GZIP", true)]
    [InlineData("deflate", false)]
    [InlineData("snappy", false)]
    public void IsSupported_KnownEncodings(string? encoding, bool supported)
        => Assert.Equal(supported, GrpcFraming.IsSupported(encoding));

    internal static byte[] Frame(byte flag, byte[] message)
    {
        var framed = new byte[message.Length + 5];
        framed[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }

    internal static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }
}
