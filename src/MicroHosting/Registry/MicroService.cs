using System.Text.Json.Serialization;

namespace MicroHosting.Registry;

/// <summary>
/// A service as the registry knows it: a name and version, the endpoints it serves and the nodes that serve it.
/// Mirrors Go Micro's <c>registry.Service</c>; JSON names are lower case, as Go Micro writes them.
/// </summary>
public sealed class MicroService
{
    /// <summary>Gets the service name, for example <c>greeter</c>.</summary>
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>Gets the service version. Defaults to <c>latest</c>.</summary>
    [JsonPropertyName("version")]
    public string Version { get; init; } = "latest";

    /// <summary>Gets service-level metadata. Never <see langword="null"/>.</summary>
    [JsonPropertyName("metadata")]
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;

    /// <summary>Gets the endpoints the service serves. Never <see langword="null"/>.</summary>
    [JsonPropertyName("endpoints")]
    public IReadOnlyList<MicroEndpoint> Endpoints { get; init; } = [];

    /// <summary>Gets the nodes (running instances) of the service. Never <see langword="null"/>.</summary>
    [JsonPropertyName("nodes")]
    public IReadOnlyList<MicroNode> Nodes { get; init; } = [];

    /// <summary>Returns a copy of this service that holds only <paramref name="nodes"/>.</summary>
    /// <param name="nodes">The nodes of the copy.</param>
    /// <returns>The copy.</returns>
    public MicroService WithNodes(IReadOnlyList<MicroNode> nodes) => new()
    {
        Name = Name,
        Version = Version,
        Metadata = Metadata,
        Endpoints = Endpoints,
        Nodes = nodes,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Name}:{Version} ({Nodes.Count} node(s))";
}
