using System.Net.WebSockets;
using System.Text;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A stream to a MicroHosting node over a WebSocket (the server's stream protocol): one binary message per message, a
/// text message with the error JSON for an error, a normal close for the end.
/// </summary>
internal sealed class WebSocketStreamChannel : MicroStreamChannel
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private readonly ClientWebSocket _socket;
    private WebSocketReceiveBuffer? _receiveBuffer;

    private WebSocketStreamChannel(ClientWebSocket socket) => _socket = socket;

    /// <summary>Opens the WebSocket (the upgrade request goes through <see cref="MicroStreamer.Invoker"/>, whose <see cref="StreamUpgradeHandler"/> reads a refusal).</summary>
    public static async ValueTask<MicroStreamChannel> OpenAsync(MicroStreamOpening opening, Uri uri, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            var options = socket.Options;
            await opening.ApplyHeadersAsync(options, static (o, name, value) => o.SetRequestHeader(name, value), cancellationToken).ConfigureAwait(false);
            options.SetRequestHeader("Accept", opening.Codec.ContentType);
            await socket.ConnectAsync(uri, opening.Streamer.Invoker, cancellationToken).ConfigureAwait(false);
            return new WebSocketStreamChannel(socket);
        }
        catch
        {
            socket.Abort();
            socket.Dispose();
            throw;
        }
    }

    public override ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
        => _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken);

    public override async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
        }
    }

    public override async ValueTask<MicroStreamRead> ReceiveAsync(long maxMessageSize, CancellationToken cancellationToken)
    {
        var buffer = _receiveBuffer ??= new WebSocketReceiveBuffer();
        WebSocketMessageType type;
        try
        {
            type = await buffer.ReceiveAsync(_socket, maxMessageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketMessageTooLargeException ex)
        {
            _socket.Abort();
            throw new MicroStreamMessageTooLargeException(ex);
        }

        switch (type)
        {
            case WebSocketMessageType.Binary:
                return MicroStreamRead.Received(buffer.Message);
            case WebSocketMessageType.Text:
                // The node's terminal error, as Go Micro's error JSON; its close follows.
                var text = Encoding.UTF8.GetString(buffer.Message);
                var error = MicroException.Parse(text);
                return MicroStreamRead.Failed(error.Code == 0 ? null : error, text);
            default:
                return _socket.CloseStatus == WebSocketCloseStatus.NormalClosure
                    ? MicroStreamRead.End
                    : MicroStreamRead.Closed(
                        _socket.CloseStatus == WebSocketCloseStatus.EndpointUnavailable ? 503 : 500,
                        $"closed the stream with {(int?)_socket.CloseStatus} {_socket.CloseStatusDescription} and no error message");
        }
    }

    public override async ValueTask CloseAsync(bool errorReceived, bool receiving, long maxMessageSize, TimeProvider timeProvider)
    {
        var socket = _socket;
        try
        {
            using var timeout = new CancellationTokenSource(CloseTimeout, timeProvider);
            if (socket.State == WebSocketState.Open && errorReceived && !receiving)
            {
                // After its error the node closes: take that close, then answer it.
                var buffer = _receiveBuffer ??= new WebSocketReceiveBuffer();
                while (await buffer.ReceiveAsync(socket, maxMessageSize, timeout.Token).ConfigureAwait(false) != WebSocketMessageType.Close)
                {
                }
            }

            if (socket.State == WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or WebSocketMessageTooLargeException or ObjectDisposedException)
        {
            // Closing politely failed; the abort below ends it.
        }

        if (socket.State != WebSocketState.Closed)
        {
            socket.Abort();
        }
    }

    public override void Abort() => _socket.Abort();

    public override void Dispose(bool keepReceiveBuffer)
    {
        _socket.Dispose();
        if (!keepReceiveBuffer)
        {
            _receiveBuffer?.Dispose();
        }
    }
}
