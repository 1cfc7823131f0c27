using System.Text.Json.Serialization;

namespace MicroHosting.Internal;

/// <summary>Go Micro's error JSON as it travels.</summary>
internal sealed class MicroErrorWire
{
    [JsonPropertyName("id")]
    public string? Id { get; set; }

    [JsonPropertyName("code")]
    public int Code { get; set; }

    [JsonPropertyName("detail")]
    public string? Detail { get; set; }

    [JsonPropertyName("status")]
    public string? Status { get; set; }
}
