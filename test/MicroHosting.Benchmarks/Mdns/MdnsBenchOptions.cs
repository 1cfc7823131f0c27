using MicroHosting.Registry.Mdns;

namespace MicroHosting.Benchmarks.Mdns;

/// <summary>
/// The mDNS settings of the benchmark and its child processes: the loopback interface only (never another network),
/// IPv4 only (lo has no IPv6 multicast route here), and a domain of the run's own so concurrent runs do not interfere.
/// </summary>
internal static class MdnsBenchOptions
{
    public const string Interface = "lo";

    public static MdnsRegistryOptions Create(string domain, bool probe, TimeSpan recordTtl)
    {
        var options = new MdnsRegistryOptions { Domain = domain, IPv6 = false, Probe = probe, RecordTtl = recordTtl };
        options.Interfaces.Add(Interface);
        return options;
    }

    public static string NewDomain() => "bench-" + Guid.NewGuid().ToString("N")[..12] + ".local";
}
