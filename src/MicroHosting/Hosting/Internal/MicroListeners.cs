using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MicroHosting.Hosting.Internal;

/// <summary>The Kestrel listener MicroHosting adds for <see cref="MicroOptions.Http2Address"/>, kept to read its bound port at registration.</summary>
internal sealed class MicroListeners
{
    public ListenOptions? Http2 { get; set; }

    /// <summary>Gets the port the HTTP/2 listener bound (Kestrel updates the endpoint once bound), or 0 without one.</summary>
    public int Http2Port => Http2?.EndPoint is IPEndPoint endpoint ? endpoint.Port : 0;

    /// <summary>
    /// Drops the HTTP/2-only listener from Kestrel's bound <paramref name="addresses"/>: the node's address (for the
    /// registry and the http broker) is the main one, which HTTP/1.1 callers reach; the h2c port is advertised as metadata.
    /// </summary>
    public ICollection<string> WithoutHttp2(ICollection<string> addresses)
    {
        var port = Http2Port;
        return port == 0 ? addresses : addresses.Where(a => !IsHttp2(a, port)).ToList();
    }

    /// <summary>Gets the HTTP/2-only listener's bound address among Kestrel's <paramref name="addresses"/> (none without one).</summary>
    public ICollection<string> OnlyHttp2(ICollection<string> addresses)
    {
        var port = Http2Port;
        return port == 0 ? [] : addresses.Where(a => IsHttp2(a, port)).ToList();
    }

    private static bool IsHttp2(string address, int port) => Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Port == port;
}
