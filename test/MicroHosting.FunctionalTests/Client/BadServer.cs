using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MicroHosting.Tests.Client;

/// <summary>
/// A raw TCP "server" on 127.0.0.1 that reads each HTTP request and answers with whatever bytes the test gives (garbage,
/// wrong content types), or resets the connection. Counts the requests it saw.
/// </summary>
internal sealed class BadServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string, byte[]?> _reply;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests;
    private int _replied;
    private int _disposed;

    /// <param name="reply">Gets the request head and returns the raw response, or <see langword="null"/> to reset the connection.</param>
    public BadServer(Func<string, byte[]?> reply)
    {
        _reply = reply;
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Gets how many replies were written out in full (those <see cref="BadServer(Func{string, byte[]})"/> gave bytes for).</summary>
    public int Replied => Volatile.Read(ref _replied);

    public static byte[] Response(string status, string? contentType, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var head = $"HTTP/1.1 {status}\r\n{(contentType is null ? string.Empty : $"Content-Type: {contentType}\r\n")}Content-Length: {bytes.Length}\r\n\r\n";
        return [.. Encoding.ASCII.GetBytes(head), .. bytes];
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            _ = ServeAsync(socket);
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        using (socket)
        {
            var buffer = new byte[64 * 1024];
            var received = 0;
            while (true)
            {
                var read = await socket.ReceiveAsync(buffer.AsMemory(received), _stop.Token);
                if (read == 0)
                {
                    return;
                }

                received += read;
                var text = Encoding.ASCII.GetString(buffer, 0, received);
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0)
                {
                    continue;
                }

                var head = text[..end];
                var lengthLine = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
                var length = lengthLine is null ? 0 : int.Parse(lengthLine["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
                if (received < end + 4 + length)
                {
                    continue;
                }

                Interlocked.Increment(ref _requests);
                var response = _reply(head);
                if (response is null)
                {
                    socket.LingerState = new LingerOption(true, 0); // close with RST: "connection reset by peer"
                    return;
                }

                await socket.SendAsync(response, _stop.Token);
                Interlocked.Increment(ref _replied);
                received = 0;
            }
        }
    }
}
