using MicroHosting.Server.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Conventions for MicroHosting endpoints.</summary>
public static class MicroEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Declares the endpoints of this map call idempotent, as <see cref="MicroHosting.MicroIdempotentAttribute"/> does: the
    /// registry says so (endpoint metadata <c>idempotent=true</c>) and MicroHosting clients retry them after failures that
    /// may have come after the handler ran.
    /// </summary>
    /// <typeparam name="TBuilder">The builder type.</typeparam>
    /// <param name="builder">The builder <c>MapMicroHandler</c> or <c>MapMicroHandlers</c> returned.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="InvalidOperationException">The builder is not one of a MicroHosting map call.</exception>
    public static TBuilder Idempotent<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder is not MicroConventionBuilder micro)
        {
            throw new InvalidOperationException("Idempotent() applies to MicroHosting endpoints: call it on what MapMicroHandler or MapMicroHandlers returns.");
        }

        micro.Idempotent = true;
        return builder;
    }
}
