using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// Picks the address a node registers: <see cref="MicroOptions.Advertise"/> when set, otherwise the bound address with a
/// wildcard host replaced by this machine's first private IPv4 address (Go Micro's <c>addr.Extract</c> rule). On a
/// host without IPv4, a server listening on all IPv6 addresses (<c>[::]</c>, <c>*</c>, <c>+</c>) advertises its first
/// unique-local or global IPv6 address instead; link-local addresses are never advertised, since a DNS AAAA record
/// (mDNS) and the registry's address field cannot carry the scope id they need.
/// </summary>
internal static class AdvertiseAddress
{
    public static HostPort Resolve(MicroOptions options, IEnumerable<string> boundAddresses)
        => Resolve(options, boundAddresses, LocalAddresses(), out _);

    /// <summary>
    /// Resolves the address to register from the bound addresses and this machine's <paramref name="localAddresses"/>.
    /// <paramref name="loopbackFallback"/> tells that the server listens on all addresses but none of them can be
    /// advertised (no IPv4, no unique-local or global IPv6), so 127.0.0.1 is registered, which only this machine reaches.
    /// </summary>
    internal static HostPort Resolve(MicroOptions options, IEnumerable<string> boundAddresses, IEnumerable<IPAddress> localAddresses, out bool loopbackFallback)
    {
        loopbackFallback = false;
        if (HostPort.TryParse(options.Advertise, out var advertise))
        {
            return advertise.Value;
        }

        var bound = Pick(options, boundAddresses)
            ?? throw new InvalidOperationException("The server reported no listening address, so there is nothing to register. Set Micro:Address / MICRO_SERVER_ADDRESS.");
        var host = bound.Host;
        if (host is "0.0.0.0" or "::" or "*" or "+" or "[::]" || host.Length == 0)
        {
            var extracted = Extract(localAddresses, allowIPv6: host != "0.0.0.0");
            loopbackFallback = extracted is null;
            host = extracted?.ToString() ?? "127.0.0.1";
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            host = "127.0.0.1";
        }

        return new HostPort(host, bound.Port);
    }

    private static HostPort? Pick(MicroOptions options, IEnumerable<string> boundAddresses)
    {
        HostPort? first = null;
        foreach (var address in boundAddresses)
        {
            if (!Uri.TryCreate(address.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal), UriKind.Absolute, out var uri))
            {
                continue;
            }

            var candidate = new HostPort(uri.Host.Trim('[', ']'), uri.Port);
            first ??= candidate;
            if (uri.Scheme == Uri.UriSchemeHttp && HostPort.TryParse(options.Address, out var wanted)
                && (wanted.Value.Port == 0 || wanted.Value.Port == candidate.Port))
            {
                return candidate;
            }
        }

        return first;
    }

    /// <summary>
    /// Picks the address to advertise from this machine's non-loopback addresses: a private IPv4 address, else any
    /// IPv4 address, else (when <paramref name="allowIPv6"/>) a unique-local IPv6 address, else a global one.
    /// </summary>
    internal static IPAddress? Extract(IEnumerable<IPAddress> addresses, bool allowIPv6)
    {
        var all = addresses.Where(a => !IPAddress.IsLoopback(a)).ToList();
        var v4 = all.Where(a => a.AddressFamily == AddressFamily.InterNetwork).ToList();
        if (v4.Count > 0)
        {
            return v4.FirstOrDefault(IsPrivate) ?? v4[0];
        }

        if (!allowIPv6)
        {
            return null;
        }

        var v6 = all.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6
            && !a.IsIPv6LinkLocal && !a.IsIPv6SiteLocal && !a.IsIPv6Multicast && !a.IsIPv4MappedToIPv6 && !a.Equals(IPAddress.IPv6Any)).ToList();
        return v6.FirstOrDefault(a => a.IsIPv6UniqueLocal) ?? v6.FirstOrDefault();
    }

    /// <summary>The addresses of this machine's interfaces that are up, loopback excluded.</summary>
    internal static IEnumerable<IPAddress> LocalAddresses()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                yield return unicast.Address;
            }
        }
    }

    private static bool IsPrivate(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168);
    }
}
