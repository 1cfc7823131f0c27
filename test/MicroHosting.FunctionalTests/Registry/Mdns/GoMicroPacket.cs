using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>
/// Writes DNS packets byte by byte, independently of the product's writer, in the shapes Go Micro's mDNS code
/// (miekg/dns) sends them. Names are written in full except where a test asks for a compression pointer.
/// </summary>
internal sealed class GoMicroPacket
{
    private readonly List<byte> _bytes = [];

    public GoMicroPacket(ushort id, ushort flags, int questions, int answers)
    {
        UInt16(id);
        UInt16(flags);
        UInt16((ushort)questions);
        UInt16((ushort)answers);
        UInt16(0);
        UInt16(0);
    }

    public byte[] Bytes => [.. _bytes];

    /// <summary>Sends <paramref name="packet"/> to the mDNS group on loopback from <paramref name="socket"/>.</summary>
    public static Task SendToGroupAsync(Socket socket, byte[] packet, int port = 5353)
        => socket.SendToAsync(packet, new IPEndPoint(IPAddress.Parse("224.0.0.251"), port));

    /// <summary>A UDP socket that sends multicast on loopback; on port 5353 (shared) when <paramref name="mdnsPort"/> is set, as a responder does.</summary>
    public static Socket LoopbackSocket(bool mdnsPort = false)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        socket.Bind(new IPEndPoint(IPAddress.Any, mdnsPort ? 5353 : 0));
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastInterface, IPAddress.Loopback.GetAddressBytes());
        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastLoopback, true);
        return socket;
    }

    public GoMicroPacket Question(string name, ushort type, ushort @class = 1)
    {
        Name(name);
        UInt16(type);
        UInt16(@class);
        return this;
    }

    public GoMicroPacket Ptr(string name, string target, uint ttl) => Record(name, 12, ttl, () => Name(target));

    public GoMicroPacket Srv(string name, ushort port, string target, uint ttl) => Record(name, 33, ttl, () =>
    {
        UInt16(10);
        UInt16(1);
        UInt16(port);
        Name(target);
    });

    public GoMicroPacket A(string name, IPAddress address, uint ttl) => Record(name, 1, ttl, () => _bytes.AddRange(address.GetAddressBytes()));

    public GoMicroPacket Txt(string name, IEnumerable<string> strings, uint ttl) => Record(name, 16, ttl, () =>
    {
        foreach (var text in strings)
        {
            _bytes.Add((byte)text.Length);
            _bytes.AddRange(Encoding.ASCII.GetBytes(text));
        }
    });

    private GoMicroPacket Record(string name, ushort type, uint ttl, Action data)
    {
        Name(name);
        UInt16(type);
        UInt16(1);
        var ttlBytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(ttlBytes, ttl);
        _bytes.AddRange(ttlBytes);
        var lengthAt = _bytes.Count;
        UInt16(0);
        data();
        var length = _bytes.Count - lengthAt - 2;
        _bytes[lengthAt] = (byte)(length >> 8);
        _bytes[lengthAt + 1] = (byte)length;
        return this;
    }

    private void Name(string name)
    {
        foreach (var label in name.TrimEnd('.').Split('.'))
        {
            _bytes.Add((byte)label.Length);
            _bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        _bytes.Add(0);
    }

    private void UInt16(ushort value)
    {
        _bytes.Add((byte)(value >> 8));
        _bytes.Add((byte)value);
    }
}
