namespace MicroHosting.Registry.Mdns;

/// <summary>
/// Options of the mDNS registry (<c>MICRO_REGISTRY=mdns</c>, the default), bound from <c>Micro:Mdns</c>; the interface
/// list also from <c>MICRO_MDNS_INTERFACES</c>. Validated when the registry starts.
/// </summary>
public sealed class MdnsRegistryOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Mdns";

    /// <summary>The environment variable that lists the interfaces, comma-separated (for example <c>lo</c> or <c>eth0,eth1</c>).</summary>
    public const string InterfacesVariable = "MICRO_MDNS_INTERFACES";

    /// <summary>
    /// Gets or sets the mDNS domain. Default <c>micro</c>, as Go Micro v2 and every later release use, so a current Go
    /// Micro service and a MicroHosting service find each other with no setting. Set <c>local</c> (Go Micro v1's domain,
    /// and the one DNS-SD browsers such as <c>avahi-browse</c> browse) to share a network with Go Micro v1 services.
    /// </summary>
    public string Domain { get; set; } = "micro";

    /// <summary>
    /// Gets the names of the network interfaces to use (<c>lo</c>, <c>eth0</c>). Empty (the default): every interface
    /// that is up and multicast-capable, as Go Micro does. Pin to <c>lo</c> to keep mDNS on this machine.
    /// </summary>
    public IList<string> Interfaces { get; } = [];

    /// <summary>
    /// Gets or sets whether to use IPv4 (group 224.0.0.251), on the chosen interfaces that have an IPv4 address. Default
    /// <see langword="true"/>. Set it off (<c>Micro__Mdns__IPv4=false</c>) to speak mDNS over IPv6 only.
    /// </summary>
    public bool IPv4 { get; set; } = true;

    /// <summary>
    /// Gets or sets whether to use IPv6 (group ff02::fb), on the chosen interfaces that have an IPv6 address (a link-local
    /// one is enough). Default <see langword="true"/>; interfaces where IPv6 multicast fails are skipped with a warning.
    /// Turning off both families fails the start.
    /// </summary>
    public bool IPv6 { get; set; } = true;

    /// <summary>Gets or sets how long <c>GetService</c> and <c>ListServices</c> collect answers after asking. Default 100 ms, as Go Micro.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets how many times <c>GetService</c> and <c>ListServices</c> ask again when a window brought no node, each
    /// window twice as long as the one before. Default 2 (windows of 100, 200 and 400 ms): a process that just started on a
    /// busy machine can miss the answers to one 100 ms query. A re-ask ends one <see cref="QueryTimeout"/> after the first
    /// node is heard. A service that answers the first query is found as fast as before; one that is not there costs
    /// 700 ms instead of 100 ms to report. 0 asks once, as Go Micro does.
    /// </summary>
    public int QueryRetries { get; set; } = 2;

    /// <summary>Gets or sets the TTL of the records this node announces. Default 120 s, as Go Micro. A node that vanishes without a goodbye is dropped by others when this runs out.</summary>
    public TimeSpan RecordTtl { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Gets or sets whether a new node first probes for its name (RFC 6762 section 8), which delays its announcement by about 750 ms. Default <see langword="true"/>.</summary>
    public bool Probe { get; set; } = true;

    /// <summary>Gets or sets the UDP port. Default 5353, the mDNS port; change it only to isolate test networks.</summary>
    public int Port { get; set; } = 5353;

    /// <summary>
    /// Gets or sets how many records heard from the network the cache holds at most. Default 4096 (a few hundred nodes,
    /// as each takes a PTR, SRV, TXT and address). Past it the least useful records are evicted first: those of no
    /// complete node and no service this process looks up or watches, then the oldest heard. See the mDNS section of the
    /// package README for what a flood costs.
    /// </summary>
    public int MaxCacheEntries { get; set; } = 4096;

    /// <summary>
    /// Gets or sets how many bytes of TXT data the cache holds at most: the TXT strings plus the JSON they inflate to
    /// (a Go Micro TXT is compressed JSON). Default 8 MiB; one TXT may inflate to at most 256 KiB.
    /// </summary>
    public long MaxTxtBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>
    /// Gets or sets the longest TTL honoured for records heard from the network; longer ones are clamped to it, so a
    /// forged record cannot hold its place for days. Default 75 minutes (4500 s, RFC 6762's longest recommended TTL).
    /// </summary>
    public TimeSpan MaxRecordTtl { get; set; } = TimeSpan.FromSeconds(4500);

    /// <summary>
    /// Gets or sets how many unicast answers a second one sender (by IP address) receives at most, with a burst of as
    /// many; queries past it are not answered. Default 20. Multicast answers are limited by RFC 6762's once a second
    /// per record instead.
    /// </summary>
    public int UnicastRepliesPerSender { get; set; } = 20;
}
