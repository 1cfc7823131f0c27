namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A name being probed (RFC 6762 section 8.1): the records it will claim, and whether someone else holds or claims it.</summary>
internal sealed class MdnsProbe(MdnsLocalNode node)
{
    public MdnsLocalNode Node { get; } = node;

    /// <summary>Gets the unique records the probe claims (SRV and TXT of the instance).</summary>
    public IReadOnlyList<DnsRecord> Claimed { get; } = [.. node.Records.Where(r => r.Type is DnsRecordType.Srv or DnsRecordType.Txt)];

    public string? Conflict { get; set; }
}
