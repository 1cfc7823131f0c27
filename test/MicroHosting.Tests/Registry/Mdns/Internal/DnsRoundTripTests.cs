using System.Net;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

/// <summary>
/// A property test with a fixed seed and a fixed count: every message <see cref="DnsReader"/> accepts,
/// <see cref="DnsWriter"/> writes, and reading that back gives the same names (byte for byte) and records.
/// </summary>
public sealed class DnsRoundTripTests
{
    private const int Iterations = 40_000;

    [Fact]
    public void Write_EverythingTheReaderAccepts_WritesItBack()
    {
        var random = new Random(16);
        var seeds = Seeds();
        var parsed = 0;
        var cache = new MdnsCache("local");
        for (var i = 0; i < Iterations; i++)
        {
            var packet = DnsReaderFuzzTests.Mutate(random, seeds[random.Next(seeds.Length)]);
            DnsMessage message;
            try
            {
                message = DnsReader.Read(packet);
            }
            catch (DnsFormatException)
            {
                continue;
            }

            parsed++;
            byte[] written;
            try
            {
                written = DnsWriter.Write(message);
            }
            catch (Exception ex)
            {
                Assert.Fail($"Packet {i} ({Convert.ToHexString(packet)}) was read but could not be written: {ex.Message}");
                return;
            }

            AssertSame(message, DnsReader.Read(written), packet);

            // What reaches the cache comes back as known answers in the next query; that query must be writable too.
            cache.Ingest(message with { Flags = DnsMessage.ResponseFlag }, DateTimeOffset.UnixEpoch);
            foreach (var record in message.Answers.Concat(message.Additionals))
            {
                var question = new DnsQuestion(record.Name, record.Type);
                DnsWriter.Write(new DnsMessage { Questions = [question], Answers = cache.KnownAnswers(question, DateTimeOffset.UnixEpoch) });
            }
        }

        Assert.True(parsed > 2000, $"only {parsed} of {Iterations} packets parsed; the property was barely exercised");
    }

    [Fact]
    public void Read_LabelThatIsNotUtf8_DropsTheRecordNotTheMessage()
    {
        var message = DnsReader.Read(ForgedPackets.Ptr("greeter.local.", 4500, andValid: true));

        var kept = Assert.Single(message.Answers);
        Assert.Equal("greeter-1.greeter.local.", kept.Target);
        Assert.Equal(1, message.DroppedRecords);
    }

    [Fact]
    public void Write_NamesWithEscapesAndNonAscii_RoundTripExactly()
    {
        string[] names = ["a\\.b.local.", "back\\\\.local.", "Grüße.Local.", "x\\\\\\..local.", "."];
        var message = new DnsMessage { Answers = [.. names.Select(n => DnsRecord.Ptr("svc.local.", n, 120))] };

        var read = DnsReader.Read(DnsWriter.Write(message));

        Assert.Equal(names, read.Answers.Select(a => a.Target));
    }

    private static byte[][] Seeds() =>
    [
        DnsWriter.Write(new DnsMessage
        {
            Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
            Questions = [new DnsQuestion("greeter.local.", DnsRecordType.Ptr)],
            Answers =
            [
                DnsRecord.Ptr("greeter.local.", "greeter-1.greeter.local.", 120),
                DnsRecord.Srv("greeter-1.greeter.local.", 10, 1, 8081, "h\\.x.local.", 120, cacheFlush: true),
                DnsRecord.Txt("greeter-1.greeter.local.", ["a=b", "Grüße", string.Empty], 120),
            ],
            Additionals =
            [
                DnsRecord.Host("h\\.x.local.", IPAddress.Loopback, 120),
                DnsRecord.Host("h\\.x.local.", IPAddress.IPv6Loopback, 120),
                DnsRecord.Nsec("h\\.x.local.", [DnsRecordType.A, DnsRecordType.Aaaa], 120),
                new DnsRecord { Name = "\\\\.local.", Type = (DnsRecordType)99, Data = new byte[] { 1, 2, 3 } },
            ],
        }),
        ForgedPackets.Ptr("greeter.local.", 4500, andValid: true),
        DnsWriter.Write(new DnsMessage { Questions = [new DnsQuestion("_services._dns-sd._udp.local.", DnsRecordType.Any, true)] }),
    ];

    private static void AssertSame(DnsMessage expected, DnsMessage actual, byte[] packet)
    {
        var because = Convert.ToHexString(packet);
        Assert.True(expected.Questions.Select(q => q.Name).SequenceEqual(actual.Questions.Select(q => q.Name), StringComparer.Ordinal), because);
        Assert.True(expected.Questions.SequenceEqual(actual.Questions), because);
        foreach (var (a, b) in All(expected).Zip(All(actual)))
        {
            Assert.True(a.SameData(b) && a.Ttl == b.Ttl && a.CacheFlush == b.CacheFlush, $"{a} became {b} ({because})");
            Assert.True(string.Equals(a.Name, b.Name, StringComparison.Ordinal) && string.Equals(a.Target, b.Target, StringComparison.Ordinal), $"{a} became {b} ({because})");
        }

        Assert.Equal(All(expected).Count(), All(actual).Count());
    }

    private static IEnumerable<DnsRecord> All(DnsMessage message) => message.Answers.Concat(message.Authorities).Concat(message.Additionals);
}
