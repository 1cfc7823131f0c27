using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Tests.Client;

/// <summary>
/// A loopback TCP relay in front of a node: the registry advertises the relay, and <see cref="Kill"/> resets every
/// connection at once, as a node whose process or host died would look to its callers.
/// </summary>
internal sealed class TcpRelay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly List<Socket> _sockets = [];
    private readonly CancellationTokenSource _stop = new();

    public TcpRelay()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets or sets where connections go (set it before the first connection arrives).</summary>
    public Uri? Target { get; set; }

    /// <summary>Resets every relayed connection (RST, no FIN) and stops accepting.</summary>
    public void Kill()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }

            _sockets.Clear();
        }
    }

    public void Dispose()
    {
        Kill();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptSocketAsync(_stop.Token);
                var outbound = new Socket(SocketType.Stream, ProtocolType.Tcp);
                var target = Target ?? throw new InvalidOperationException("TcpRelay.Target is not set.");
                await outbound.ConnectAsync(new IPEndPoint(IPAddress.Parse(target.Host), target.Port), _stop.Token);
                lock (_sockets)
                {
                    _sockets.Add(inbound);
                    _sockets.Add(outbound);
                }

                _ = PumpAsync(inbound, outbound);
                _ = PumpAsync(outbound, inbound);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Killed.
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Killed, or the other side went away.
        }
    }
}
