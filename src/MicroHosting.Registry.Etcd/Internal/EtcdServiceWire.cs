using System.Text.Json.Serialization;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>The value of one registry key: Go Micro's service JSON with <c>nodes</c> holding that key's node.</summary>
internal sealed class EtcdServiceWire
{
    [JsonPropertyName("name")]
    public string? Name { get; set; }

    [JsonPropertyName("version")]
    public string? Version { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }

    [JsonPropertyName("endpoints")]
    public List<MicroEndpoint?>? Endpoints { get; set; }

    [JsonPropertyName("nodes")]
    public List<EtcdNodeWire?>? Nodes { get; set; }
}
