using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// Picks the address a node registers: <see cref="MicroOptions.Advertise"/> when set, otherwise the bound address with a
/// wildcard host replaced by this machine's first private IPv4 address (Go Micro's <c>addr.Extract</c> rule).
/// </summary>
internal static class AdvertiseAddress
{
    public static HostPort Resolve(MicroOptions options, IEnumerable<string> boundAddresses)
    {
        if (HostPort.TryParse(options.Advertise, out var advertise))
        {
            return advertise.Value;
        }

        var bound = Pick(options, boundAddresses)
            ?? throw new InvalidOperationException("The server reported no listening address, so there is nothing to register. Set Micro:Address / MICRO_SERVER_ADDRESS.");
        var host = bound.Host;
        if (host is "0.0.0.0" or "::" or "*" or "+" or "[::]" || host.Length == 0)
        {
            host = Extract() ?? "127.0.0.1";
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

    private static string? Extract()
    {
        string? fallback = null;
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                var ip = unicast.Address;
                if (ip.AddressFamily != AddressFamily.InterNetwork)
                {
                    continue;
                }

                if (IsPrivate(ip))
                {
                    return ip.ToString();
                }

                fallback ??= ip.ToString();
            }
        }

        return fallback;
    }

    private static bool IsPrivate(IPAddress ip)
    {
        var b = ip.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) || (b[0] == 192 && b[1] == 168);
    }
}
