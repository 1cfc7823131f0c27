using System.Net;
using MicroHosting.Registry.Mdns.Internal;
using Arsoft = ARSoft.Tools.Net.Dns;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

public sealed class DnsWriterTests
{
    private static DnsMessage Sample() => new()
    {
        Id = 0x1234,
        Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
        Questions = [new DnsQuestion("greeter.local.", DnsRecordType.Ptr, UnicastResponse: true)],
        Answers =
        [
            DnsRecord.Ptr("greeter.local.", "greeter-1.greeter.local.", 120),
            DnsRecord.Srv("greeter-1.greeter.local.", 10, 1, 8081, "host-1.local.", 120, cacheFlush: true),
            DnsRecord.Txt("greeter-1.greeter.local.", ["abc", new string('f', 255)], 120, cacheFlush: true),
        ],
        Additionals =
        [
            DnsRecord.Host("host-1.local.", IPAddress.Parse("127.0.0.1"), 120, cacheFlush: true),
            DnsRecord.Host("host-1.local.", IPAddress.Parse("fe80::1"), 120, cacheFlush: true),
            DnsRecord.Nsec("host-1.local.", [DnsRecordType.A, DnsRecordType.Aaaa], 120, cacheFlush: true),
        ],
    };

    [Fact]
    public void Write_Message_RoundTripsThroughReader()
    {
        var message = Sample();

        var parsed = DnsReader.Read(DnsWriter.Write(message));

        Assert.Equal(message.Id, parsed.Id);
        Assert.Equal(message.Flags, parsed.Flags);
        Assert.Equal(message.Questions, parsed.Questions);
        Assert.Equal(message.Answers.Count, parsed.Answers.Count);
        foreach (var (expected, actual) in message.Answers.Concat(message.Additionals).Zip(parsed.Answers.Concat(parsed.Additionals)))
        {
            Assert.True(expected.SameData(actual), $"{expected} != {actual}");
            Assert.Equal(expected.Ttl, actual.Ttl);
            Assert.Equal(expected.CacheFlush, actual.CacheFlush);
        }
    }

    [Fact]
    public void Write_RepeatedNames_AreCompressed()
    {
        var bytes = DnsWriter.Write(Sample());

        // "greeter" appears once as a label; later names point back to it. The host name appears twice: in the SRV
        // target, and as the NSEC next-domain name, which RFC 4034 writes uncompressed.
        var text = System.Text.Encoding.ASCII.GetString(bytes);
        Assert.Equal(1, CountOf(text, "\u0007greeter"));
        Assert.Equal(2, CountOf(text, "\u0006host-1"));
    }

    [Fact]
    public void Write_Message_IsReadByAnIndependentParser()
    {
        var bytes = DnsWriter.Write(Sample() with { Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag });

        var parsed = Arsoft.DnsMessage.Parse(new ArraySegment<byte>(bytes));

        Assert.Equal(0x1234, parsed.TransactionID);
        Assert.True(parsed.IsAuthoritiveAnswer);
        Assert.Equal("greeter.local.", parsed.Questions[0].Name.ToString());
        var ptr = Assert.IsType<Arsoft.PtrRecord>(parsed.AnswerRecords[0]);
        Assert.Equal("greeter-1.greeter.local.", ptr.PointerDomainName.ToString());
        var srv = Assert.IsType<Arsoft.SrvRecord>(parsed.AnswerRecords[1]);
        Assert.Equal((10, 1, 8081, "host-1.local."), (srv.Priority, srv.Weight, srv.Port, srv.Target.ToString()));
        var txt = Assert.IsType<Arsoft.TxtRecord>(parsed.AnswerRecords[2]);
        Assert.Equal(["abc", new string('f', 255)], txt.TextParts);
        Assert.Equal(IPAddress.Parse("127.0.0.1"), Assert.IsType<Arsoft.ARecord>(parsed.AdditionalRecords[0]).Address);
        Assert.Equal(IPAddress.Parse("fe80::1"), Assert.IsType<Arsoft.AaaaRecord>(parsed.AdditionalRecords[1]).Address);
        var nsec = Assert.IsType<Arsoft.NSecRecord>(parsed.AdditionalRecords[2]);
        Assert.Equal([Arsoft.RecordType.A, Arsoft.RecordType.Aaaa], nsec.Types);
    }

    [Fact]
    public void Write_TxtStringOver255Bytes_Throws()
    {
        var message = new DnsMessage { Answers = [DnsRecord.Txt("a.local.", [new string('x', 256)], 1)] };

        var ex = Assert.Throws<DnsFormatException>(() => DnsWriter.Write(message));
        Assert.Contains("at most 255", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_LabelOver63Bytes_Throws()
    {
        var message = new DnsMessage { Questions = [new DnsQuestion(new string('x', 64) + ".local.", DnsRecordType.Ptr)] };

        var ex = Assert.Throws<DnsFormatException>(() => DnsWriter.Write(message));
        Assert.Contains("at most 63", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_NameOver255Bytes_Throws()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('x', 60), 5)) + ".";

        Assert.Throws<DnsFormatException>(() => DnsWriter.Write(new DnsMessage { Questions = [new DnsQuestion(name, DnsRecordType.A)] }));
    }

    [Fact]
    public void Write_EmptyTxt_WritesOneEmptyString()
    {
        var bytes = DnsWriter.Write(new DnsMessage { Answers = [DnsRecord.Txt("a.local.", [], 1)] });

        Assert.Equal([""], DnsReader.Read(bytes).Answers[0].Text);
    }

    [Fact]
    public void Write_DottedLabel_IsEscapedAndRoundTrips()
    {
        var message = new DnsMessage { Answers = [DnsRecord.Ptr("svc.local.", "My\\.Printer.svc.local.", 1)] };

        var parsed = DnsReader.Read(DnsWriter.Write(message));

        Assert.Equal("My\\.Printer.svc.local.", parsed.Answers[0].Target);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
