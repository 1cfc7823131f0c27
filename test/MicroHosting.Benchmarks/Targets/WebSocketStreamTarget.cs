using System.Buffers;
using System.Net.WebSockets;
using Google.Protobuf;
using MicroHosting.Benchmarks.Protos;

namespace MicroHosting.Benchmarks.Targets;

/// <summary>
/// A MicroHosting server stream read with a plain <see cref="ClientWebSocket"/>, the protocol's floor: connect to the
/// endpoint's path, send the request, parse every binary message until the server closes.
/// </summary>
internal sealed class WebSocketStreamTarget(Uri baseAddress, int count, bool large) : CallTarget
{
    private readonly Uri _uri = new($"ws://{baseAddress.Authority}/Bench/{(large ? "Flood" : "Count")}?content-type=application%2Fprotobuf");
    private readonly byte[] _request = new CountRequest { Count = count }.ToByteArray();

    public override async Task CallAsync(CancellationToken cancellationToken)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(_uri, cancellationToken).ConfigureAwait(false);
        await socket.SendAsync(_request, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            var received = 0;
            var length = 0;
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    if (socket.State == WebSocketState.CloseReceived)
                    {
                        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
                    }

                    break;
                }

                if (result.MessageType == WebSocketMessageType.Text)
                {
                    throw new InvalidOperationException("The stream failed: " + System.Text.Encoding.UTF8.GetString(buffer, 0, length + result.Count));
                }

                length += result.Count;
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var message = new ReadOnlySpan<byte>(buffer, 0, length);
                _ = large ? (IMessage)Payload.Parser.ParseFrom(message) : CountReply.Parser.ParseFrom(message);
                received++;
                length = 0;
            }

            StreamCheck.All(received, count);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
