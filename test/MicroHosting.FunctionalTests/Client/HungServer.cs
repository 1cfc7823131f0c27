using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MicroHosting.Tests.Client;

/// <summary>
/// A hung process on 127.0.0.1: accepts connections and reads requests, but never answers. Counts the requests it read,
/// so a test can see how many attempts a client wasted on it.
/// </summary>
internal sealed class HungServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Task _loop;
    private int _requests;

    public HungServer()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public int Requests => Volatile.Read(ref _requests);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _loop.ContinueWith(static _ => { }, TaskScheduler.Default);
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stop.Token);
            lock (_sockets)
            {
                _sockets.Add(socket);
            }

            _ = ReadAsync(socket);
        }
    }

    private async Task ReadAsync(Socket socket)
    {
        var buffer = new byte[64 * 1024];
        var seen = string.Empty;
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, _stop.Token)) > 0)
            {
                // Count request heads; the bodies are small JSON without blank lines.
                seen += Encoding.ASCII.GetString(buffer, 0, read);
                int end;
                while ((end = seen.IndexOf("\r\n\r\n", StringComparison.Ordinal)) >= 0)
                {
                    Interlocked.Increment(ref _requests);
                    seen = seen[(end + 4)..];
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
