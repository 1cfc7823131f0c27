using System.Net.Sockets;

namespace MicroHosting.Testing.Internal;

/// <summary>
/// The "network" under a MicroHosting HttpClient on a <see cref="MicroTestNetwork"/>: sends each request to the node at
/// the request's <c>host:port</c>, in memory. An address no running node has fails as a refused connection does.
/// </summary>
internal sealed class MicroTestRoutingHandler(MicroTestNetwork network) : HttpMessageHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authority = request.RequestUri?.Authority ?? string.Empty;
        return network.Find(authority) is { } node
            ? node.SendAsync(request, cancellationToken)
            : Task.FromException<HttpResponseMessage>(new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"Connection refused ({authority}): no node on the MicroTestNetwork has this address (stopped, or never started).",
                new SocketException((int)SocketError.ConnectionRefused)));
    }
}
