using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using MicroHosting.Codecs;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Reads a WebSocket as a stream of decoded messages, one binary WebSocket message per message. It reads only when the
/// handler asks for the next message, so a slow handler leaves data in TCP's window and the sender slows down.
/// </summary>
internal sealed class WebSocketMessageReader<T>(WebSocket socket, MicroCodec codec, long maxMessageSize, string service)
{
    private const int ChunkSize = 16 * 1024;

    /// <summary>Gets whether the peer has closed its side (no more messages will come).</summary>
    public bool Completed { get; private set; }

    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (!Completed)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (buffer.Length - length < ChunkSize / 2)
                    {
                        if (buffer.Length >= maxMessageSize + 1)
                        {
                            throw new MicroException(service, StatusCodes.Status413PayloadTooLarge, $"a stream message exceeds the limit of {maxMessageSize} bytes (MicroOptions.MaxRequestBodySize)");
                        }

                        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(buffer.Length * 2L, maxMessageSize + ChunkSize));
                        buffer.AsSpan(0, length).CopyTo(bigger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = bigger;
                    }

                    result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (result.MessageType == WebSocketMessageType.Close)
                    {
                        Completed = true;
                        yield break;
                    }

                    if (result.MessageType == WebSocketMessageType.Text)
                    {
                        throw MicroException.BadRequest(service, "text WebSocket messages are not part of the stream protocol; send each message as one binary WebSocket message");
                    }

                    length += result.Count;
                    if (length > maxMessageSize)
                    {
                        throw new MicroException(service, StatusCodes.Status413PayloadTooLarge, $"a stream message exceeds the limit of {maxMessageSize} bytes (MicroOptions.MaxRequestBodySize)");
                    }
                }
                while (!result.EndOfMessage);

                T message;
                try
                {
                    message = codec.Decode<T>(new ReadOnlySequence<byte>(buffer, 0, length));
                }
                catch (MicroCodecException ex)
                {
                    throw new MicroException(service, StatusCodes.Status400BadRequest, ex.Message, innerException: ex);
                }

                yield return message;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
