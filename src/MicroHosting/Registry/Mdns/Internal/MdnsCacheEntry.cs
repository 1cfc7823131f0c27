namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A record heard on the network, with when it arrived and how many refresh queries were sent for it.</summary>
internal sealed class MdnsCacheEntry(DnsRecord record, DateTimeOffset received)
{
    public DnsRecord Record { get; private set; } = record;

    public DateTimeOffset Received { get; private set; } = received;

    public DateTimeOffset Expires => Received + TimeSpan.FromSeconds(Record.Ttl);

    /// <summary>Gets or sets how many of the refresh queries at 80, 85, 90 and 95 % of the TTL were sent (RFC 6762 section 5.2).</summary>
    public int Refreshes { get; set; }

    public void Renew(DnsRecord record, DateTimeOffset received)
    {
        Record = record;
        Received = received;
        Refreshes = 0;
    }

    /// <summary>When the next refresh query is due, or <see langword="null"/> after the last one.</summary>
    public DateTimeOffset? NextRefresh => Refreshes < 4 ? Received + TimeSpan.FromSeconds(Record.Ttl * (0.80 + (0.05 * Refreshes))) : null;
}
