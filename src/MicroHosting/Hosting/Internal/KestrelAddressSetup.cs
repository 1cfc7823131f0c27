using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>Makes Kestrel listen on <see cref="MicroOptions.Address"/> (<c>MICRO_SERVER_ADDRESS</c>) when it is set.</summary>
internal sealed class KestrelAddressSetup(IOptions<MicroOptions> options) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        if (!HostPort.TryParse(options.Value.Address, out var address))
        {
            return; // unset, or invalid: the options validator reports it at start
        }

        var (host, port) = address.Value;
        if (host.Length == 0 || host is "0.0.0.0" or "::" or "*" or "+")
        {
            kestrel.ListenAnyIP(port);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.Listen(IPAddress.Loopback, port);
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            kestrel.Listen(ip, port);
        }
        else
        {
            throw new InvalidOperationException(
                $"The server address '{options.Value.Address}' (MICRO_SERVER_ADDRESS) names host '{host}', which is not an IP address. Use an IP literal, localhost, or leave the host empty (:8081) to listen on every interface.");
        }
    }
}
