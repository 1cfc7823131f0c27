using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// A one-shot query's own sockets (RFC 6762 section 5.1): bound to an ephemeral port per address family, so the
/// answers a responder unicasts to the query's source port (Go Micro's responder answers every query that way) reach
/// this process. Answers sent to the shared port 5353 would reach only one of the processes bound there.
/// </summary>
internal sealed class MdnsOneShot : IAsyncDisposable
{
    private readonly List<(Socket Socket, IReadOnlyList<MdnsInterface> Interfaces)> _sockets;
    private readonly HashSet<int> _indexes;
    private readonly int _port;

    private MdnsOneShot(List<(Socket, IReadOnlyList<MdnsInterface>)> sockets, HashSet<int> indexes, int port)
    {
        _sockets = sockets;
        _indexes = indexes;
        _port = port;
    }

    /// <summary>Opens a socket per family on an ephemeral port; <see langword="null"/> when none could be opened.</summary>
    public static MdnsOneShot? Open(IEnumerable<(AddressFamily Family, IReadOnlyList<MdnsInterface> Interfaces)> families, int port)
    {
        var sockets = new List<(Socket, IReadOnlyList<MdnsInterface>)>();
        var indexes = new HashSet<int>();
        foreach (var (family, interfaces) in families)
        {
            var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                var v4 = family == AddressFamily.InterNetwork;
                if (!v4)
                {
                    socket.DualMode = false;
                }

                socket.Bind(new IPEndPoint(v4 ? IPAddress.Any : IPAddress.IPv6Any, 0));
                var level = v4 ? SocketOptionLevel.IP : SocketOptionLevel.IPv6;
                socket.SetSocketOption(level, SocketOptionName.PacketInformation, true);
                socket.SetSocketOption(level, SocketOptionName.MulticastTimeToLive, 255);
                socket.SetSocketOption(level, SocketOptionName.MulticastLoopback, true);
                sockets.Add((socket, interfaces));
                indexes.UnionWith(interfaces.Select(i => i.Index));
            }
            catch (SocketException)
            {
                socket.Dispose();
            }
        }

        return sockets.Count == 0 ? null : new MdnsOneShot(sockets, indexes, port);
    }

    /// <summary>Gets the local endpoints (for tests).</summary>
    public IEnumerable<EndPoint> LocalEndPoints => _sockets.Select(s => s.Socket.LocalEndPoint!);

    /// <summary>Sends the query to the group on every interface and family from the ephemeral sockets.</summary>
    public async ValueTask<bool> SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        var sent = false;
        foreach (var (socket, interfaces) in _sockets)
        {
            foreach (var nic in interfaces)
            {
                try
                {
                    await MdnsTransport.SendToGroupAsync(socket, nic, packet, _port, cancellationToken).ConfigureAwait(false);
                    sent = true;
                }
                catch (SocketException)
                {
                    // The shared socket's sends report interface failures; a one-shot just gets fewer answers.
                }
            }
        }

        return sent;
    }

    /// <summary>Hands every datagram that arrives on a chosen interface to <paramref name="handler"/> until cancelled.</summary>
    public Task ReceiveAsync(Func<MdnsPacket, ValueTask> handler, CancellationToken cancellationToken)
        => Task.WhenAll(_sockets.Select(s => ReceiveLoopAsync(s.Socket, handler, cancellationToken)));

    public ValueTask DisposeAsync()
    {
        foreach (var (socket, _) in _sockets)
        {
            socket.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private async Task ReceiveLoopAsync(Socket socket, Func<MdnsPacket, ValueTask> handler, CancellationToken cancellationToken)
    {
        var buffer = new byte[MdnsTransport.MaxPacketSize + 1];
        EndPoint any = socket.AddressFamily == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult result;
            try
            {
                result = await socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an oversized datagram, or an ICMP error from an earlier send: the query window goes on
            }

            if (result.ReceivedBytes > MdnsTransport.MaxPacketSize || (result.SocketFlags & SocketFlags.Truncated) != 0
                || !_indexes.Contains(result.PacketInformation.Interface) || result.RemoteEndPoint is not IPEndPoint source)
            {
                continue;
            }

            await handler(new MdnsPacket(buffer.AsMemory(0, result.ReceivedBytes), source, result.PacketInformation.Interface)).ConfigureAwait(false);
        }
    }
}
