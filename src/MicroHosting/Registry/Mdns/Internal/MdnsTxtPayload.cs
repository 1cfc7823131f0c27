using System.Text.Json.Serialization;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>The JSON inside Go Micro's mDNS TXT record. Keys are capitalised, as Go's <c>encoding/json</c> writes its <c>mdnsTxt</c> struct.</summary>
internal sealed class MdnsTxtPayload
{
    [JsonPropertyName("Service")]
    public string? Service { get; set; }

    [JsonPropertyName("Version")]
    public string? Version { get; set; }

    [JsonPropertyName("Endpoints")]
    public IReadOnlyList<MicroEndpoint>? Endpoints { get; set; }

    [JsonPropertyName("Metadata")]
    public IReadOnlyDictionary<string, string>? Metadata { get; set; }
}
