using System.Globalization;
using System.Text.Json.Serialization;

namespace MicroHosting.Registry;

/// <summary>
/// One running instance of a service. Mirrors Go Micro's <c>registry.Node</c>.
/// </summary>
public sealed class MicroNode
{
    /// <summary>Gets the node id, by convention <c>&lt;service name&gt;-&lt;uuid&gt;</c>.</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    /// <summary>Gets the node's IP address (an IP literal, without the port).</summary>
    [JsonPropertyName("address")]
    public required string Address { get; init; }

    /// <summary>Gets the node's port.</summary>
    [JsonPropertyName("port")]
    public int Port { get; init; }

    /// <summary>Gets the node metadata (<c>protocol</c>, <c>server</c>, <c>transport</c>, ...). Never <see langword="null"/>.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;

    /// <summary>Gets <c>host:port</c> for this node; IPv6 addresses are bracketed.</summary>
    [JsonIgnore]
    public string HostPort => Address.Contains(':', StringComparison.Ordinal) && !Address.StartsWith('[')
        ? $"[{Address}]:{Port.ToString(CultureInfo.InvariantCulture)}"
        : $"{Address}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <inheritdoc />
    public override string ToString() => $"{Id}@{HostPort}";
}
