namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// A node this process announces, with its records: PTR <c>&lt;service&gt;.&lt;domain&gt;.</c> to the instance
/// <c>&lt;node id&gt;.&lt;service&gt;.&lt;domain&gt;.</c>, whose SRV points at a host name with the node's A or AAAA
/// record, and whose TXT carries Go Micro's payload. A listing node is the <c>_services</c> pseudo-instance.
/// </summary>
internal sealed class MdnsLocalNode
{
    public required MicroService Service { get; init; }

    public required string InstanceName { get; init; }

    public required string ServiceName { get; init; }

    public required string HostName { get; init; }

    public required IReadOnlyList<DnsRecord> Records { get; init; }

    public bool IsListing { get; init; }

    /// <summary>Gets or sets whether probing finished, so the node answers queries.</summary>
    public bool Announced { get; set; }

    public string InstanceKey => DnsName.Key(InstanceName);

    /// <summary>Whether this node's records have the same data as <paramref name="other"/>'s (so nothing needs re-announcing).</summary>
    public bool SameRecords(MdnsLocalNode other)
        => Records.Count == other.Records.Count && Records.Zip(other.Records).All(p => p.First.SameData(p.Second));
}
