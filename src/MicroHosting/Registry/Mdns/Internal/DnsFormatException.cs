namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>A DNS message that cannot be read or written: the reason says which rule it breaks.</summary>
internal sealed class DnsFormatException(string message) : Exception(message);
