namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A question. <paramref name="UnicastResponse"/> is mDNS's QU bit (the top bit of the class, RFC 6762 section 5.4).</summary>
internal sealed record DnsQuestion(string Name, DnsRecordType Type, bool UnicastResponse = false, ushort Class = DnsRecord.ClassInternet);
