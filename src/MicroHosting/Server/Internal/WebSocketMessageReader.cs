using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using MicroHosting.Codecs;
using MicroHosting.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Reads a WebSocket as a stream of decoded messages, one binary WebSocket message per message. It reads only when the
/// handler asks for the next message, so a slow handler leaves data in TCP's window and the sender slows down.
/// </summary>
internal sealed class WebSocketMessageReader<T>(WebSocket socket, MicroCodec codec, long maxMessageSize, string service)
{
    /// <summary>Gets whether the peer has closed its side (no more messages will come).</summary>
    public bool Completed { get; private set; }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var buffer = new WebSocketReceiveBuffer();
        while (!Completed)
        {
            var type = await ReceiveAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (type == WebSocketMessageType.Close)
            {
                Completed = true;
                yield break;
            }

            if (type == WebSocketMessageType.Text)
            {
                throw MicroException.BadRequest(service, "text WebSocket messages are not part of the stream protocol; send each message as one binary WebSocket message");
            }

            T message;
            try
            {
                message = codec.Decode<T>(buffer.Message);
            }
            catch (MicroCodecException ex)
            {
                throw new MicroException(service, StatusCodes.Status400BadRequest, ex.Message, innerException: ex);
            }

            yield return message;
        }
    }

    private async ValueTask<WebSocketMessageType> ReceiveAsync(WebSocketReceiveBuffer buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await buffer.ReceiveAsync(socket, maxMessageSize, cancellationToken).ConfigureAwait(false);
        }
        catch (WebSocketMessageTooLargeException)
        {
            throw new MicroException(service, StatusCodes.Status413PayloadTooLarge, $"a stream message exceeds the limit of {maxMessageSize} bytes (MicroOptions.MaxRequestBodySize)");
        }
    }
}
