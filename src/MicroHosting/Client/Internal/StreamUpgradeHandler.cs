using System.Net;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Sits under <see cref="System.Net.WebSockets.ClientWebSocket"/>: when a node answers an upgrade with anything but
/// <c>101</c>, reads the (bounded) body, usually MicroHosting's error JSON, and throws <see cref="StreamRefusedException"/>,
/// which the WebSocket hands on as its inner exception. ClientWebSocket alone would report the status code only.
/// The outermost handler of the named HttpClient <see cref="MicroClientOptions.StreamHttpClientName"/>.
/// </summary>
internal sealed class StreamUpgradeHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // A gRPC stream's POST (not an upgrade) passes through: its refusal is read from the reply by GrpcStreamChannel.
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols || !IsUpgrade(request))
        {
            return response;
        }

        throw await StreamRefusedException.FromAsync(response, cancellationToken).ConfigureAwait(false);
    }

    // ClientWebSocket asks for an HTTP/1.1 upgrade, or over HTTP/2 sends an extended CONNECT (RFC 8441).
    private static bool IsUpgrade(HttpRequestMessage request)
        => request.Method == HttpMethod.Connect || request.Headers.Upgrade.Count > 0;
}
