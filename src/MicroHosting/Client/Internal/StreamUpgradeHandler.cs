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
    private const int MaxErrorLength = 8 * 1024;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // A gRPC stream's POST (not an upgrade) passes through: its refusal is read from the reply by GrpcStreamChannel.
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols || !IsUpgrade(request))
        {
            return response;
        }

        using (response)
        {
            var body = string.Empty;
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    var buffer = new byte[MaxErrorLength];
                    var length = 0;
                    int read;
                    while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
                    {
                        length += read;
                    }

                    body = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The status is what matters; a body cut short is not worth a second error.
            }

            throw new StreamRefusedException((int)response.StatusCode, response.ReasonPhrase, body);
        }
    }

    // ClientWebSocket asks for an HTTP/1.1 upgrade, or over HTTP/2 sends an extended CONNECT (RFC 8441).
    private static bool IsUpgrade(HttpRequestMessage request)
        => request.Method == HttpMethod.Connect || request.Headers.Upgrade.Count > 0;
}
