using System.Collections.ObjectModel;
using System.Globalization;
using System.Text.Json;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>Writes and reads the service JSON stored under each node key, in Go Micro's format.</summary>
internal static class EtcdServiceCodec
{
    private static readonly IReadOnlyDictionary<string, string> Empty = ReadOnlyDictionary<string, string>.Empty;

    /// <summary>Encodes <paramref name="service"/> holding only <paramref name="node"/>, the node's address as <c>host:port</c>.</summary>
    public static byte[] Encode(MicroService service, MicroNode node)
    {
        var wire = new EtcdServiceWire
        {
            Name = service.Name,
            Version = service.Version,
            Metadata = new Dictionary<string, string>(service.Metadata, StringComparer.Ordinal),
            Endpoints = [.. service.Endpoints],
            Nodes =
            [
                new EtcdNodeWire
                {
                    Id = node.Id,
                    Address = node.HostPort,
                    Metadata = new Dictionary<string, string>(node.Metadata, StringComparer.Ordinal),
                },
            ],
        };
        return JsonSerializer.SerializeToUtf8Bytes(wire, EtcdJsonContext.Default.EtcdServiceWire);
    }

    /// <summary>Decodes a stored value; <see langword="null"/> when it is not a service with a usable node.</summary>
    public static MicroService? TryDecode(ReadOnlySpan<byte> value)
    {
        EtcdServiceWire? wire;
        try
        {
            wire = JsonSerializer.Deserialize(value, EtcdJsonContext.Default.EtcdServiceWire);
        }
        catch (JsonException)
        {
            return null;
        }

        if (wire is null || string.IsNullOrEmpty(wire.Name))
        {
            return null;
        }

        var nodes = new List<MicroNode>();
        foreach (var node in wire.Nodes ?? [])
        {
            if (node is { Id.Length: > 0, Address.Length: > 0 } && TryReadAddress(node.Address, node.Port, out var host, out var port))
            {
                nodes.Add(new MicroNode { Id = node.Id, Address = host, Port = port, Metadata = Copy(node.Metadata) });
            }
        }

        if (nodes.Count == 0)
        {
            return null;
        }

        return new MicroService
        {
            Name = wire.Name,
            Version = string.IsNullOrEmpty(wire.Version) ? "latest" : wire.Version,
            Metadata = Copy(wire.Metadata),
            Endpoints = [.. (wire.Endpoints ?? []).OfType<MicroEndpoint>().Select(Sanitize)],
            Nodes = nodes,
        };
    }

    /// <summary>Reads a v2 <c>host:port</c> address, or a v1 bare address with a separate <paramref name="v1Port"/>.</summary>
    internal static bool TryReadAddress(string address, int v1Port, out string host, out int port)
    {
        port = v1Port;
        host = address;
        if (address.StartsWith('['))
        {
            var close = address.IndexOf(']', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            host = address[1..close];
            var rest = address.AsSpan(close + 1);
            return rest.IsEmpty ? v1Port > 0 : rest[0] == ':' && TryPort(rest[1..], out port);
        }

        var colon = address.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || address.IndexOf(':', colon + 1) >= 0)
        {
            // No port (v1), or an unbracketed IPv6 literal, which cannot carry one.
            return v1Port > 0;
        }

        host = address[..colon];
        return host.Length > 0 && TryPort(address.AsSpan(colon + 1), out port);
    }

    private static bool TryPort(ReadOnlySpan<char> text, out int port)
        => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is > 0 and <= 65535;

    private static IReadOnlyDictionary<string, string> Copy(Dictionary<string, string>? metadata)
        => metadata is { Count: > 0 } ? new ReadOnlyDictionary<string, string>(metadata) : Empty;

    // Go writes a nil map as null; the model promises never-null metadata.
    private static MicroEndpoint Sanitize(MicroEndpoint endpoint) => endpoint.Metadata is not null
        ? endpoint
        : new MicroEndpoint { Name = endpoint.Name, Request = endpoint.Request, Response = endpoint.Response, Metadata = Empty };
}
