using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

public sealed class DnsReaderTests
{
    private static readonly byte[] Header = [0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0];

    [Fact]
    public void Read_ShorterThanHeader_Rejects()
    {
        var ex = Assert.Throws<DnsFormatException>(() => DnsReader.Read(new byte[11]));
        Assert.Contains("header", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_CompressionLoop_Rejects()
    {
        // One answer whose name is a pointer to itself.
        byte[] packet = [.. Header, 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];

        var ex = Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
        Assert.Contains("loop", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ForwardPointer_Rejects()
    {
        byte[] packet = [.. Header, 0xC0, 20, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4, 1, (byte)'a', 0];

        Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
    }

    [Fact]
    public void Read_PointerChainBackwards_IsAccepted()
    {
        // Question "a.", then an answer "b" + pointer to "a.".
        byte[] packet = [0, 0, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1, 1, (byte)'b', 0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 1, 0, 4, 1, 2, 3, 4];

        var message = DnsReader.Read(packet);

        Assert.Equal("b.a.", message.Answers[0].Name);
    }

    [Fact]
    public void Read_RecordLengthPastEnd_Rejects()
    {
        byte[] packet = [.. Header, 1, (byte)'a', 0, 0, 16, 0, 1, 0, 0, 0, 1, 0xFF, 0xFF, 1, (byte)'x'];

        var ex = Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
        Assert.Contains("remain", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TxtStringPastRecord_Rejects()
    {
        byte[] packet = [.. Header, 1, (byte)'a', 0, 0, 16, 0, 1, 0, 0, 0, 1, 0, 2, 5, (byte)'x'];

        Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
    }

    [Fact]
    public void Read_HugeCounts_RejectsBeforeAllocating()
    {
        byte[] packet = [0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF];

        var ex = Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
        Assert.Contains("more than", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NameOver255Bytes_Rejects()
    {
        var labels = Enumerable.Range(0, 5).SelectMany(_ => new byte[] { 60 }.Concat(Enumerable.Repeat((byte)'x', 60))).ToArray();
        byte[] packet = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, .. labels, 0, 0, 1, 0, 1];

        var ex = Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
        Assert.Contains("255", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReservedLabelType_Rejects()
    {
        byte[] packet = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x41, (byte)'a', 0, 0, 1, 0, 1];

        Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
    }

    [Fact]
    public void Read_TrailingBytes_Rejects()
    {
        byte[] packet = [0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 1, 0, 1, 0xAA];

        Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
    }

    [Fact]
    public void Read_ARecordWithWrongLength_Rejects()
    {
        byte[] packet = [.. Header, 1, (byte)'a', 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 3, 1, 2, 3];

        Assert.Throws<DnsFormatException>(() => DnsReader.Read(packet));
    }

    [Fact]
    public void Read_CacheFlushAndUnicastBits_AreSeparatedFromTheClass()
    {
        byte[] packet = [0, 0, 0x84, 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, (byte)'a', 0, 0, 12, 0x80, 1, 0xC0, 12, 0, 1, 0x80, 1, 0, 0, 0, 120, 0, 4, 127, 0, 0, 1];

        var message = DnsReader.Read(packet);

        Assert.True(message.Questions[0].UnicastResponse);
        Assert.Equal(DnsRecord.ClassInternet, message.Questions[0].Class);
        Assert.True(message.Answers[0].CacheFlush);
        Assert.Equal(DnsRecord.ClassInternet, message.Answers[0].Class);
        Assert.Equal(120u, message.Answers[0].Ttl);
    }

    [Fact]
    public void Read_UnknownType_KeepsRawData()
    {
        byte[] packet = [.. Header, 1, (byte)'a', 0, 0, 99, 0, 1, 0, 0, 0, 1, 0, 2, 0xAB, 0xCD];

        var record = DnsReader.Read(packet).Answers[0];

        Assert.Equal((DnsRecordType)99, record.Type);
        Assert.Equal([0xAB, 0xCD], record.Data.ToArray());
    }
}
