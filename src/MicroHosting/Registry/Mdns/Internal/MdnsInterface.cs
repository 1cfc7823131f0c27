using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A network interface mDNS runs on: its index, and its first IPv4 address (for IP_MULTICAST_IF), if any.</summary>
internal sealed record MdnsInterface(string Name, int Index, IPAddress? IPv4, bool HasIPv6)
{
    /// <summary>
    /// The interfaces <paramref name="options"/> choose: the named ones (which must exist), or every interface that is
    /// up and multicast-capable. Throws <see cref="InvalidOperationException"/> when there is none to use.
    /// </summary>
    public static IReadOnlyList<MdnsInterface> Select(MdnsRegistryOptions options)
    {
        var all = NetworkInterface.GetAllNetworkInterfaces();
        List<NetworkInterface> chosen;
        if (options.Interfaces.Count > 0)
        {
            chosen = [];
            foreach (var name in options.Interfaces)
            {
                var match = all.FirstOrDefault(i => string.Equals(i.Name, name.Trim(), StringComparison.Ordinal))
                    ?? throw new InvalidOperationException(
                        $"The mDNS interface '{name}' (Micro:Mdns:Interfaces / {MdnsRegistryOptions.InterfacesVariable}) does not exist. This machine has: {string.Join(", ", all.Select(i => i.Name))}.");
                chosen.Add(match);
            }
        }
        else
        {
            chosen = [.. all.Where(i => i.OperationalStatus == OperationalStatus.Up && i.SupportsMulticast && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)];
            if (chosen.Count == 0)
            {
                throw new InvalidOperationException(
                    "mDNS found no network interface that is up and multicast-capable, so services cannot find each other. "
                    + $"Set {MdnsRegistryOptions.InterfacesVariable}=lo to discover services on this machine only, or use the etcd registry "
                    + "(MICRO_REGISTRY=etcd, package MicroHosting.Registry.Etcd) where multicast is not available (containers, VPNs, cloud networks).");
            }
        }

        return [.. chosen.Select(Describe)];
    }

    private static MdnsInterface Describe(NetworkInterface nic)
    {
        var properties = nic.GetIPProperties();
        var unicast = properties.UnicastAddresses.Select(a => a.Address).ToArray();
        var index = nic.Supports(NetworkInterfaceComponent.IPv4)
            ? properties.GetIPv4Properties().Index
            : properties.GetIPv6Properties().Index;
        return new MdnsInterface(
            nic.Name,
            index,
            unicast.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork),
            nic.Supports(NetworkInterfaceComponent.IPv6) && unicast.Any(a => a.AddressFamily == AddressFamily.InterNetworkV6));
    }
}
