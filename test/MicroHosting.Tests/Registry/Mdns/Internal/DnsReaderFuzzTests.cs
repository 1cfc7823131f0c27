using System.Net;
using MicroHosting.Registry.Mdns.Internal;

namespace MicroHosting.Tests.Registry.Mdns.Internal;

/// <summary>A bounded property test (a fixed seed and count): random and mutated packets give a message or a <see cref="DnsFormatException"/>, never anything else.</summary>
public sealed class DnsReaderFuzzTests
{
    private const int Iterations = 30_000;

    private static byte[][] Seeds() =>
    [
        DnsWriter.Write(new DnsMessage
        {
            Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
            Questions = [new DnsQuestion("greeter.local.", DnsRecordType.Ptr)],
            Answers =
            [
                DnsRecord.Ptr("greeter.local.", "greeter-1.greeter.local.", 120),
                DnsRecord.Srv("greeter-1.greeter.local.", 10, 1, 8081, "h.local.", 120, cacheFlush: true),
                DnsRecord.Txt("greeter-1.greeter.local.", MdnsTxt.Encode(new MdnsTxtPayload { Service = "greeter", Version = "1" }), 120),
            ],
            Additionals =
            [
                DnsRecord.Host("h.local.", IPAddress.Loopback, 120),
                DnsRecord.Host("h.local.", IPAddress.IPv6Loopback, 120),
                DnsRecord.Nsec("h.local.", [DnsRecordType.A, DnsRecordType.Aaaa], 120),
            ],
        }),
        DnsWriter.Write(new DnsMessage { Questions = [new DnsQuestion("_services._dns-sd._udp.local.", DnsRecordType.Any, true)] }),
    ];

    [Fact]
    public async Task Read_RandomAndMutatedPackets_ParseOrRejectCleanly()
    {
        var random = new Random(20250101);
        var seeds = Seeds();
        var cache = new MdnsCache("local");
        var zone = new MdnsZone("local", 120);
        var (parsed, rejected) = (0, 0);
        for (var i = 0; i < Iterations; i++)
        {
            var packet = random.Next(4) == 0 ? RandomBytes(random) : Mutate(random, seeds[random.Next(seeds.Length)]);
            try
            {
                var message = DnsReader.Read(packet);
                parsed++;

                // Whatever parses must also be safe to cache and to answer.
                cache.Ingest(message, DateTimeOffset.UnixEpoch);
                foreach (var question in message.Questions)
                {
                    zone.Answer(question);
                }
            }
            catch (DnsFormatException)
            {
                rejected++;
            }
        }

        Assert.True(parsed > 100, $"only {parsed} packets parsed");
        Assert.True(rejected > 1000, $"only {rejected} packets rejected");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task OnPacketAsync_GarbageAndHostilePackets_AreCountedNotThrown()
    {
        await using var registry = MdnsTestSupport.Create(MdnsTestSupport.NewDomain());
        var engine = registry.Engine;
        var random = new Random(7);
        var source = new IPEndPoint(IPAddress.Loopback, 5353);

        for (var i = 0; i < 2000; i++)
        {
            await engine.OnPacketAsync(new MdnsPacket(Mutate(random, Seeds()[0]), source, 1));
        }

        await engine.OnPacketAsync(new MdnsPacket(new byte[3], source, 1));
        Assert.True(engine.Statistics.Malformed > 100);
        Assert.Equal(2001, engine.Statistics.Received);
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 600)];
        random.NextBytes(bytes);
        if (bytes.Length >= 12 && random.Next(2) == 0)
        {
            // Plausible small counts get past the header check more often.
            bytes[4] = 0;
            bytes[5] = (byte)random.Next(3);
            bytes[6] = 0;
            bytes[7] = (byte)random.Next(4);
        }

        return bytes;
    }

    internal static byte[] Mutate(Random random, byte[] seed)
    {
        var bytes = seed.ToList();
        var mutations = random.Next(1, 6);
        for (var i = 0; i < mutations && bytes.Count > 0; i++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 2:
                    bytes.RemoveRange(at, bytes.Count - at); // truncate
                    break;
                case 3:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
                case 4:
                    bytes[at] = (byte)(0xC0 | random.Next(64)); // a compression pointer anywhere
                    break;
                default:
                    bytes[at] = 0xFF; // a huge length or count
                    break;
            }
        }

        return [.. bytes];
    }
}
