using System.Text.Json.Serialization;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>
/// A node as Go Micro stores it in etcd. v2 and later: <c>address</c> is <c>host:port</c> and there is no <c>port</c>;
/// v1 had a bare address and a separate <c>port</c>. Written in the v2 form, read in both.
/// </summary>
internal sealed class EtcdNodeWire
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("address")]
    public string? Address { get; set; }

    [JsonPropertyName("port")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Port { get; set; }

    [JsonPropertyName("metadata")]
    public Dictionary<string, string>? Metadata { get; set; }
}
