using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Server.Internal;

/// <summary>Collects conventions (authorization, filters, rate limiting, metadata) for the endpoints of one map call.</summary>
internal sealed class MicroConventionBuilder : IEndpointConventionBuilder
{
    public List<Action<EndpointBuilder>> Conventions { get; } = [];

    public List<Action<EndpointBuilder>> FinallyConventions { get; } = [];

    /// <summary>Gets or sets whether the map call's endpoints were declared idempotent (<c>.Idempotent()</c>).</summary>
    public bool Idempotent { get; set; }

    public void Add(Action<EndpointBuilder> convention)
    {
        ArgumentNullException.ThrowIfNull(convention);
        Conventions.Add(convention);
    }

    public void Finally(Action<EndpointBuilder> finallyConvention)
    {
        ArgumentNullException.ThrowIfNull(finallyConvention);
        FinallyConventions.Add(finallyConvention);
    }
}
