using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace MicroHosting.Tests.Server;

/// <summary>A raw WebSocket client speaking the stream protocol, for testing the server without the MicroHosting client.</summary>
internal sealed class StreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket = new();

    public WebSocket Socket => _socket;

    public static async Task<StreamClient> ConnectAsync(Uri baseAddress, string path, string contentType = "application/json", Action<ClientWebSocketOptions>? configure = null)
    {
        var client = new StreamClient();
        configure?.Invoke(client._socket.Options);
        await client._socket.ConnectAsync(new Uri($"ws://{baseAddress.Authority}{path}?content-type={Uri.EscapeDataString(contentType)}"), CancellationToken.None);
        return client;
    }

    public Task SendJsonAsync<T>(T value) => SendAsync(JsonSerializer.SerializeToUtf8Bytes(value, JsonSerializerOptions.Web));

    public Task SendAsync(byte[] bytes) => _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None);

    public Task CompleteAsync() => _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

    /// <summary>Reads until the server closes; returns the binary messages and the error JSON, if any.</summary>
    public async Task<(List<byte[]> Messages, MicroException? Error, WebSocketCloseStatus? Status)> ReadToEndAsync(int max = int.MaxValue)
    {
        var messages = new List<byte[]>();
        MicroException? error = null;
        var buffer = new byte[1 << 20];
        while (messages.Count < max)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                if (_socket.State == WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                }

                return (messages, error, result.CloseStatus);
            }

            if (result.MessageType == WebSocketMessageType.Text)
            {
                error = MicroException.Parse(Encoding.UTF8.GetString(message.ToArray()));
            }
            else
            {
                messages.Add(message.ToArray());
            }
        }

        return (messages, error, null);
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
