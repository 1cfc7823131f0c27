using MicroHosting.Broker.Internal;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the http broker's receive endpoint, so ASP.NET conventions (authorization, filters, rate limiting) apply to it.</summary>
public static class MicroBrokerEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the http broker's receive endpoint, <c>POST /_sub</c>, which serves both Go Micro generations: v1 publishers
    /// post to <c>/_sub?id=</c>, v2.5+ publishers to <c>/?id=</c> (rewritten to <c>/_sub</c> before routing). Any
    /// <c>MapMicroHandlers</c>, <c>MapMicroHandler</c> or <c>MapMicroSubscriber</c> call maps it too; calling this again
    /// returns the same builder. Without any of these calls, an app still receives on <c>/_sub</c> after its own middleware,
    /// but with no endpoint to carry authorization metadata.
    /// </summary>
    /// <param name="endpoints">The route builder (the <c>WebApplication</c>).</param>
    /// <returns>
    /// A builder for the endpoint's conventions, for example <c>app.MapMicroBroker().RequireAuthorization("publishers")</c>.
    /// A publisher that is refused gets the status (401, 403, 429) and retries, then reports the delivery as failed.
    /// </returns>
    /// <exception cref="InvalidOperationException">MicroHosting is not added.</exception>
    public static IEndpointConventionBuilder MapMicroBroker(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var routing = endpoints.ServiceProvider.GetService(typeof(HttpBrokerRouting)) as HttpBrokerRouting
            ?? throw new InvalidOperationException("MapMicroBroker needs the MicroHosting services: call builder.Services.AddMicro(...) before building the app.");
        return routing.Map(endpoints);
    }
}
