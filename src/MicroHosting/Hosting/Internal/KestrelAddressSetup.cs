using System.Net;
using MicroHosting.Security.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// Makes Kestrel listen on <see cref="MicroOptions.Address"/> (<c>MICRO_SERVER_ADDRESS</c>) when it is set, and on
/// <see cref="MicroOptions.Http2Address"/> (<c>MICRO_SERVER_HTTP2_ADDRESS</c>) for cleartext HTTP/2 only. With
/// <see cref="MicroTlsOptions"/> the main listener serves TLS.
/// </summary>
internal sealed class KestrelAddressSetup(IOptions<MicroOptions> options, MicroListeners listeners, MicroServerTls tls) : IConfigureOptions<KestrelServerOptions>
{
    public void Configure(KestrelServerOptions kestrel)
    {
        var value = options.Value;
        if (!HostPort.TryParse(value.Address, out var address))
        {
            return; // unset, or invalid: the options validator reports it at start (and an HTTP/2 address without it)
        }

        // With TLS (Micro:Tls), the main port serves HTTP/1.1 and HTTP/2, negotiated by ALPN.
        Listen(kestrel, address.Value, value.Address!, "MICRO_SERVER_ADDRESS", tls.Enabled ? listen => listen.UseHttps(tls.HandshakeOptions()) : null);
        if (HostPort.TryParse(value.Http2Address, out var http2))
        {
            // Cleartext HTTP/2 needs prior knowledge, which Kestrel serves only on an HTTP/2-only endpoint: a mixed
            // endpoint cannot tell the protocols apart without TLS, so Go Micro's HTTP/1.1 keeps the main address.
            Listen(kestrel, http2.Value, value.Http2Address!, "MICRO_SERVER_HTTP2_ADDRESS", listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listeners.Http2 = listen;
            });
        }
    }

    private static void Listen(KestrelServerOptions kestrel, HostPort address, string text, string variable, Action<ListenOptions>? configure)
    {
        var (host, port) = address;
        configure ??= static _ => { };
        if (host.Length == 0 || host is "0.0.0.0" or "::" or "*" or "+")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.Listen(IPAddress.Loopback, port, configure);
        }
        else if (IPAddress.TryParse(host, out var ip))
        {
            kestrel.Listen(ip, port, configure);
        }
        else
        {
            throw new InvalidOperationException(
                $"The server address '{text}' ({variable}) names host '{host}', which is not an IP address. Use an IP literal, localhost, or leave the host empty (:8081) to listen on every interface.");
        }
    }
}
