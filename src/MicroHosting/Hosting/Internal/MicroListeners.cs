using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace MicroHosting.Hosting.Internal;

/// <summary>The Kestrel listener MicroHosting adds for <see cref="MicroOptions.Http2Address"/>, kept to read its bound port at registration.</summary>
internal sealed class MicroListeners
{
    public ListenOptions? Http2 { get; set; }

    /// <summary>Gets the port the HTTP/2 listener bound (Kestrel updates the endpoint once bound), or 0 without one.</summary>
    public int Http2Port => Http2?.EndPoint is IPEndPoint endpoint ? endpoint.Port : 0;
}
