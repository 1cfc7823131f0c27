using System.Buffers;
using System.Net.WebSockets;

namespace MicroHosting.Internal;

/// <summary>
/// Receives whole WebSocket messages into one pooled buffer that grows up to a limit, for both ends of a stream. A message
/// stays readable until the next receive; the buffer goes back to the pool on dispose.
/// </summary>
internal sealed class WebSocketReceiveBuffer : IDisposable
{
    private const int ChunkSize = 16 * 1024;
    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);

    /// <summary>Gets the length of the latest message.</summary>
    public int Length { get; private set; }

    /// <summary>Gets the latest message.</summary>
    public ReadOnlySequence<byte> Message => new(_buffer, 0, Length);

    /// <summary>Receives the next whole message and returns its type (<see cref="WebSocketMessageType.Close"/> when the peer closed).</summary>
    /// <exception cref="WebSocketMessageTooLargeException">The message is longer than <paramref name="maxMessageSize"/>.</exception>
    public async ValueTask<WebSocketMessageType> ReceiveAsync(WebSocket socket, long maxMessageSize, CancellationToken cancellationToken)
    {
        Length = 0;
        while (true)
        {
            if (_buffer.Length - Length < ChunkSize / 2)
            {
                Grow(maxMessageSize);
            }

            var result = await socket.ReceiveAsync(_buffer.AsMemory(Length), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Length = 0;
                return WebSocketMessageType.Close;
            }

            Length += result.Count;
            if (Length > maxMessageSize)
            {
                throw new WebSocketMessageTooLargeException();
            }

            if (result.EndOfMessage)
            {
                return result.MessageType;
            }
        }
    }

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Grow(long maxMessageSize)
    {
        if (_buffer.Length > maxMessageSize)
        {
            throw new WebSocketMessageTooLargeException();
        }

        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(_buffer.Length * 2L, maxMessageSize + ChunkSize));
        _buffer.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }
}
