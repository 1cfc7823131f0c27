namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>The DNS record types the mDNS registry reads and writes (RFC 1035, 2782, 3596, 4034).</summary>
internal enum DnsRecordType : ushort
{
    A = 1,
    Ptr = 12,
    Txt = 16,
    Aaaa = 28,
    Srv = 33,
    Nsec = 47,
    Any = 255,
}
