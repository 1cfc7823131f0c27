using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// The UDP sockets: one per address family, bound to the mDNS port with SO_REUSEADDR (so several responders share it),
/// joined to the group on each chosen interface. Multicast goes out on the chosen interfaces only (IP_MULTICAST_IF per
/// send); packets that arrive on other interfaces are ignored.
/// </summary>
internal sealed partial class MdnsTransport : IAsyncDisposable
{
    /// <summary>RFC 6762 section 17: mDNS messages are at most 9000 bytes; larger datagrams are dropped.</summary>
    public const int MaxPacketSize = 9000;

    public static readonly IPAddress GroupV4 = IPAddress.Parse("224.0.0.251");
    public static readonly IPAddress GroupV6 = IPAddress.Parse("ff02::fb");

    private readonly List<FamilySocket> _sockets = [];
    private readonly IReadOnlyList<MdnsInterface> _interfaces;
    private readonly HashSet<int> _indexes;
    private readonly int _port;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private readonly MdnsStatistics _statistics;
    private long _oversized;

    public MdnsTransport(MdnsRegistryOptions options, IReadOnlyList<MdnsInterface> interfaces, ILogger logger, MdnsStatistics statistics)
    {
        _statistics = statistics;
        _interfaces = interfaces;
        _indexes = [.. interfaces.Select(i => i.Index)];
        _port = options.Port;
        _logger = logger;
        var errors = new List<string>();
        if (options.IPv4)
        {
            TryOpen(AddressFamily.InterNetwork, errors);
        }

        if (options.IPv6)
        {
            TryOpen(AddressFamily.InterNetworkV6, errors);
        }

        if (_sockets.Count == 0)
        {
            throw new InvalidOperationException(
                $"mDNS could not open UDP port {_port} on {string.Join(", ", interfaces.Select(i => i.Name))}: {string.Join("; ", errors)}. "
                + "Where multicast is unavailable (containers, VPNs, cloud networks) use the etcd registry (MICRO_REGISTRY=etcd, package MicroHosting.Registry.Etcd).");
        }
    }

    /// <summary>Gets how many datagrams were dropped for being larger than <see cref="MaxPacketSize"/>.</summary>
    public long Oversized => Interlocked.Read(ref _oversized);

    public string InterfaceNames => string.Join(", ", _interfaces.Select(i => i.Name));

    public void Start(Func<MdnsPacket, ValueTask> handler)
    {
        foreach (var socket in _sockets)
        {
            _loops.Add(Task.Run(() => ReceiveLoopAsync(socket, handler, _stop.Token)));
        }
    }

    /// <summary>Sends to the group on every chosen interface and family. Returns whether at least one send succeeded.</summary>
    public async ValueTask<bool> SendMulticastAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        var sent = false;
        foreach (var socket in _sockets)
        {
            foreach (var nic in socket.Interfaces)
            {
                await socket.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    await SendToGroupAsync(socket.Socket, nic, packet, _port, cancellationToken).ConfigureAwait(false);
                    sent = true;
                }
                catch (SocketException ex)
                {
                    if (socket.ReportFailure(nic.Index))
                    {
                        LogSendFailed(nic.Name, socket.Family == AddressFamily.InterNetwork ? "IPv4" : "IPv6", ex.SocketErrorCode.ToString());
                    }
                }
                finally
                {
                    socket.Gate.Release();
                }
            }
        }

        return sent;
    }

    /// <summary>Opens a one-shot query's sockets on ephemeral ports, for the families and interfaces in use.</summary>
    public MdnsOneShot? OpenOneShot() => MdnsOneShot.Open(_sockets.Select(s => (s.Family, s.Interfaces)), _port);

    /// <summary>Sends to the mDNS group of the socket's family out of <paramref name="nic"/>. The caller serialises sends on one socket.</summary>
    internal static async ValueTask SendToGroupAsync(Socket socket, MdnsInterface nic, ReadOnlyMemory<byte> packet, int port, CancellationToken cancellationToken)
    {
        if (socket.AddressFamily == AddressFamily.InterNetwork)
        {
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, nic.IPv4!.GetAddressBytes());
            await socket.SendToAsync(packet, new IPEndPoint(GroupV4, port), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastInterface, nic.Index);
            await socket.SendToAsync(packet, new IPEndPoint(GroupV6, port), cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask SendUnicastAsync(ReadOnlyMemory<byte> packet, IPEndPoint destination, CancellationToken cancellationToken)
    {
        var socket = _sockets.FirstOrDefault(s => s.Family == destination.AddressFamily);
        if (socket is null)
        {
            return;
        }

        try
        {
            await socket.Socket.SendToAsync(packet, destination, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            LogUnicastFailed(destination.ToString(), ex.SocketErrorCode.ToString());
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var socket in _sockets)
        {
            socket.Socket.Dispose();
        }

        try
        {
            await Task.WhenAll(_loops).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // Closing the sockets ends the loops.
        }

        _stop.Dispose();
    }

    private void TryOpen(AddressFamily family, List<string> errors)
    {
        var v4 = family == AddressFamily.InterNetwork;
        var members = _interfaces.Where(i => v4 ? i.IPv4 is not null : i.HasIPv6).ToList();
        if (members.Count == 0)
        {
            errors.Add($"no chosen interface has an {(v4 ? "IPv4" : "IPv6")} address");
            return;
        }

        var socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (v4)
            {
                socket.Bind(new IPEndPoint(IPAddress.Any, _port));
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
                socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
            }
            else
            {
                socket.DualMode = false;
                socket.Bind(new IPEndPoint(IPAddress.IPv6Any, _port));
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastTimeToLive, 255);
                socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.MulticastLoopback, true);
            }

            var joined = new List<MdnsInterface>();
            foreach (var nic in members)
            {
                try
                {
                    if (v4)
                    {
                        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.AddMembership, new MulticastOption(GroupV4, nic.Index));
                    }
                    else
                    {
                        socket.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.AddMembership, new IPv6MulticastOption(GroupV6, nic.Index));
                    }

                    joined.Add(nic);
                }
                catch (SocketException ex)
                {
                    LogJoinFailed(nic.Name, v4 ? "IPv4" : "IPv6", ex.SocketErrorCode.ToString());
                }
            }

            if (joined.Count == 0)
            {
                errors.Add($"joining the {(v4 ? "IPv4" : "IPv6")} group failed on every interface");
                socket.Dispose();
                return;
            }

            _sockets.Add(new FamilySocket(family, socket, joined));
        }
        catch (SocketException ex)
        {
            errors.Add($"{(v4 ? "IPv4" : "IPv6")}: {ex.SocketErrorCode} ({ex.Message})");
            socket.Dispose();
        }
    }

    private async Task ReceiveLoopAsync(FamilySocket socket, Func<MdnsPacket, ValueTask> handler, CancellationToken cancellationToken)
    {
        // One byte more than the limit, so an oversized datagram shows as truncated rather than fitting exactly.
        var buffer = new byte[MaxPacketSize + 1];
        EndPoint any = socket.Family == AddressFamily.InterNetwork ? new IPEndPoint(IPAddress.Any, 0) : new IPEndPoint(IPAddress.IPv6Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult result;
            try
            {
                result = await socket.Socket.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.MessageSize)
            {
                Interlocked.Increment(ref _oversized);
                _statistics.DropOversized();
                continue;
            }
            catch (SocketException ex)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                LogReceiveFailed(ex.SocketErrorCode.ToString());
                await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            if (result.ReceivedBytes > MaxPacketSize || (result.SocketFlags & SocketFlags.Truncated) != 0)
            {
                Interlocked.Increment(ref _oversized);
                _statistics.DropOversized();
                continue;
            }

            if (!_indexes.Contains(result.PacketInformation.Interface) || result.RemoteEndPoint is not IPEndPoint source)
            {
                continue;
            }

            // The handler parses synchronously before returning, so the buffer can be reused.
            await handler(new MdnsPacket(buffer.AsMemory(0, result.ReceivedBytes), source, result.PacketInformation.Interface)).ConfigureAwait(false);
        }
    }

    private sealed class FamilySocket(AddressFamily family, Socket socket, IReadOnlyList<MdnsInterface> interfaces)
    {
        private readonly HashSet<int> _failed = [];

        public AddressFamily Family { get; } = family;

        public Socket Socket { get; } = socket;

        public IReadOnlyList<MdnsInterface> Interfaces { get; } = interfaces;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        /// <summary>Whether this is the first failure on the interface (so it is logged once, not per packet).</summary>
        public bool ReportFailure(int index)
        {
            lock (_failed)
            {
                return _failed.Add(index);
            }
        }
    }
}
