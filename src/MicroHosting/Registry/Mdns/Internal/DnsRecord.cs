using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// A resource record. Which data fields are set depends on <see cref="Type"/>: <see cref="Target"/> for PTR, SRV and
/// NSEC (the next name); <see cref="Port"/>, <see cref="Priority"/>, <see cref="Weight"/> for SRV; <see cref="Address"/>
/// for A and AAAA; <see cref="Text"/> for TXT; <see cref="Types"/> for NSEC; <see cref="Data"/> for any other type.
/// <see cref="CacheFlush"/> is mDNS's cache-flush bit (the top bit of the class, RFC 6762 section 10.2).
/// </summary>
internal sealed record DnsRecord
{
    public const ushort ClassInternet = 1;

    public required string Name { get; init; }

    public required DnsRecordType Type { get; init; }

    public ushort Class { get; init; } = ClassInternet;

    public bool CacheFlush { get; init; }

    public uint Ttl { get; init; }

    public string? Target { get; init; }

    public ushort Priority { get; init; }

    public ushort Weight { get; init; }

    public ushort Port { get; init; }

    public IPAddress? Address { get; init; }

    public IReadOnlyList<string>? Text { get; init; }

    public IReadOnlyList<DnsRecordType>? Types { get; init; }

    public ReadOnlyMemory<byte> Data { get; init; }

    public static DnsRecord Ptr(string name, string target, uint ttl) => new() { Name = name, Type = DnsRecordType.Ptr, Target = target, Ttl = ttl };

    public static DnsRecord Srv(string name, ushort priority, ushort weight, ushort port, string target, uint ttl, bool cacheFlush = false)
        => new() { Name = name, Type = DnsRecordType.Srv, Priority = priority, Weight = weight, Port = port, Target = target, Ttl = ttl, CacheFlush = cacheFlush };

    public static DnsRecord Txt(string name, IReadOnlyList<string> text, uint ttl, bool cacheFlush = false)
        => new() { Name = name, Type = DnsRecordType.Txt, Text = text, Ttl = ttl, CacheFlush = cacheFlush };

    public static DnsRecord Host(string name, IPAddress address, uint ttl, bool cacheFlush = false) => new()
    {
        Name = name,
        Type = address.AddressFamily == AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A,
        Address = address,
        Ttl = ttl,
        CacheFlush = cacheFlush,
    };

    public static DnsRecord Nsec(string name, IReadOnlyList<DnsRecordType> types, uint ttl, bool cacheFlush = false)
        => new() { Name = name, Type = DnsRecordType.Nsec, Target = name, Types = types, Ttl = ttl, CacheFlush = cacheFlush };

    /// <summary>Whether <paramref name="other"/> has the same name, type, class and data (TTL and cache-flush aside).</summary>
    public bool SameData(DnsRecord other) =>
        Type == other.Type
        && Class == other.Class
        && DnsName.Equals(Name, other.Name)
        && Priority == other.Priority
        && Weight == other.Weight
        && Port == other.Port
        && (Target is null ? other.Target is null : other.Target is not null && DnsName.Equals(Target, other.Target))
        && Equals(Address, other.Address)
        && SequenceEqual(Text, other.Text)
        && SequenceEqual(Types, other.Types)
        && Data.Span.SequenceEqual(other.Data.Span);

    /// <summary>Returns this record with another TTL and cache-flush bit.</summary>
    public DnsRecord With(uint ttl, bool cacheFlush) => this with { Ttl = ttl, CacheFlush = cacheFlush };

    public override string ToString() => $"{Name} {Type} ttl={Ttl} {Target}{Address}{(Text is null ? null : string.Join('|', Text))}";

    private static bool SequenceEqual<T>(IReadOnlyList<T>? a, IReadOnlyList<T>? b)
        => a is null ? b is null : b is not null && a.SequenceEqual(b);
}
