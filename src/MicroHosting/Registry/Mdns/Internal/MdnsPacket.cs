using System.Net;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A datagram received on the mDNS port: its bytes, sender and the interface it arrived on.</summary>
internal readonly record struct MdnsPacket(ReadOnlyMemory<byte> Data, IPEndPoint Source, int InterfaceIndex);
