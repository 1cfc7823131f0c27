using System.Text.Json.Serialization;

namespace MicroHosting.Registry;

/// <summary>
/// Describes a request or response type, or one of its fields. Mirrors Go Micro's <c>registry.Value</c>;
/// nested fields are described to depth 3.
/// </summary>
public sealed class MicroValue
{
    /// <summary>Gets the type name (for a type) or the field name (for a field).</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the type, in Go Micro's vocabulary (<c>string</c>, <c>int64</c>, <c>[]Item</c>, ...).</summary>
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    /// <summary>Gets the nested fields, or <see langword="null"/> when there are none.</summary>
    [JsonPropertyName("values")]
    public IReadOnlyList<MicroValue>? Values { get; init; }
}
