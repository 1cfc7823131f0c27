using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.TestHost;

namespace MicroHosting.Testing.Internal;

/// <summary>
/// Carries a WebSocket upgrade (a MicroHosting stream) into a TestServer app. TestServer's handler cannot upgrade a
/// request and its <c>WebSocketClient</c> answers with a WebSocket rather than the HTTP response a
/// <see cref="ClientWebSocket"/> needs, so the request goes through the handler as any other, with a WebSocket feature
/// of ours: when the app accepts, it answers <c>101</c> with the handshake headers, and both WebSockets speak the real
/// protocol over an in-memory connection (<see cref="MicroTestDuplexStream"/>). A refusal (an error status and its
/// JSON) reaches the caller as it would over a socket.
/// </summary>
internal static class MicroTestWebSocketUpgrade
{
    public static bool IsUpgrade(HttpRequestMessage request)
        => request.Method == HttpMethod.Get && request.Headers.Upgrade.Any(p => string.Equals(p.Name, "websocket", StringComparison.OrdinalIgnoreCase));

    public static async Task<HttpResponseMessage> SendAsync(TestServer server, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Feature? feature = null;
        using var handler = server.CreateHandler(context => context.Features.Set<IHttpWebSocketFeature>(feature = new Feature(context)));
        var response = await new HttpMessageInvoker(handler, disposeHandler: false).SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.SwitchingProtocols && feature?.Client is { } client)
        {
            // Closing the client's end ends the request in the app (RequestAborted), as a closed connection does.
            var body = response.Content;
            client.Closed = body.Dispose;
            response.Content = new UpgradedContent(client.Stream);
        }

        return response;
    }

    private static string AcceptKey(string key)
        => Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")));

    /// <summary>The app's WebSocket feature on an upgrade request.</summary>
    private sealed class Feature(HttpContext context) : IHttpWebSocketFeature
    {
        public bool IsWebSocketRequest => true;

        public ClientEnd? Client { get; private set; }

        public async Task<WebSocket> AcceptAsync(WebSocketAcceptContext acceptContext)
        {
            if (context.Response.HasStarted)
            {
                throw new InvalidOperationException("The response has already started.");
            }

            var client = new ClientEnd();
            var (clientStream, serverStream) = MicroTestDuplexStream.CreatePair(() => client.Closed?.Invoke());
            client.Stream = clientStream;
            var response = context.Response;
            response.StatusCode = StatusCodes.Status101SwitchingProtocols;
            response.Headers.Connection = "Upgrade";
            response.Headers.Upgrade = "websocket";
            response.Headers.SecWebSocketAccept = AcceptKey(context.Request.Headers.SecWebSocketKey.ToString());
            if (acceptContext.SubProtocol is { } subProtocol)
            {
                response.Headers.SecWebSocketProtocol = subProtocol;
            }

            Client = client;
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false); // sends the 101
            return WebSocket.CreateFromStream(serverStream, new WebSocketCreationOptions
            {
                IsServer = true,
                SubProtocol = acceptContext.SubProtocol,
                KeepAliveInterval = TimeSpan.Zero, // nothing in memory to keep alive
            });
        }
    }

    private sealed class ClientEnd
    {
        public Stream Stream { get; set; } = Stream.Null;

        public Action? Closed { get; set; }
    }

    /// <summary>The body of the 101: the client's end of the connection, writable, as SocketsHttpHandler hands it over.</summary>
    private sealed class UpgradedContent(Stream stream) : HttpContent
    {
        protected override Stream CreateContentReadStream(CancellationToken cancellationToken) => stream;

        protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult(stream);

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            => throw new NotSupportedException("An upgraded connection is read and written, not copied.");

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                stream.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
