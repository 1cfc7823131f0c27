using System.Text.Json.Serialization;

namespace MicroHosting.Registry;

/// <summary>
/// Describes one endpoint of a service (<c>Type.Method</c>), its request and response shapes and metadata
/// (<c>stream</c>; for subscribers <c>topic</c> and <c>subscriber</c>). Mirrors Go Micro's <c>registry.Endpoint</c>.
/// </summary>
public sealed class MicroEndpoint
{
    /// <summary>Gets the endpoint name, for example <c>Greeter.Hello</c>.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the request shape, or <see langword="null"/> when unknown.</summary>
    [JsonPropertyName("request")]
    public MicroValue? Request { get; init; }

    /// <summary>Gets the response shape, or <see langword="null"/> (subscribers have none).</summary>
    [JsonPropertyName("response")]
    public MicroValue? Response { get; init; }

    /// <summary>Gets the endpoint metadata. Never <see langword="null"/>.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
}
