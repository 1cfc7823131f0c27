namespace MicroHosting.Client.Internal;

/// <summary>A service's configured policy with its selector resolved.</summary>
internal sealed record ServicePolicy(MicroServicePolicy Options, IMicroNodeSelector? Selector)
{
    public MicroEndpointPolicy? Endpoint(string? endpoint)
        => endpoint is not null && Options.Endpoints.Count != 0 && Options.Endpoints.TryGetValue(endpoint, out var policy) ? policy : null;
}
