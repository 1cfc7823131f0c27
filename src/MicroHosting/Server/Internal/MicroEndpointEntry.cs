using MicroHosting.Registry;

namespace MicroHosting.Server.Internal;

/// <summary>One mapped endpoint: its handler, the conventions of its map call, its route and how the registry describes it.</summary>
/// <param name="Handler">The handler.</param>
/// <param name="Conventions">The conventions of its map call, read when endpoints are built and when the service is described (<c>.Idempotent()</c> comes after the map call).</param>
/// <param name="Path">Its native route, <c>/Type/Method</c>.</param>
/// <param name="Description">Its request and response shapes for the registry; <see langword="null"/> for a hidden handler.</param>
/// <param name="Owner">The data source (one per route builder) that routes it.</param>
internal sealed record MicroEndpointEntry(
    MicroHandler Handler,
    MicroConventionBuilder Conventions,
    string Path,
    MicroEndpoint? Description,
    MicroEndpointDataSource Owner);
