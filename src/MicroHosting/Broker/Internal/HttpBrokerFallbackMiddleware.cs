using Microsoft.AspNetCore.Http;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Runs after the app's own pipeline (and so after its authentication, authorization fallback policy and global rate
/// limiter): serves <c>/_sub</c> in an app that mapped no routed broker endpoint (no <c>MapMicroHandlers</c>,
/// <c>MapMicroSubscriber</c> or <c>MapMicroBroker</c> call), so a subscribe-only app still receives.
/// </summary>
internal sealed class HttpBrokerFallbackMiddleware(RequestDelegate next, HttpBrokerRouting routing, HttpBrokerEndpoint endpoint)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!routing.IsMapped && context.GetEndpoint() is null &&
            string.Equals(context.Request.Path.Value, HttpBroker.SubscribePath, StringComparison.Ordinal))
        {
            return endpoint.InvokeAsync(context);
        }

        return next(context);
    }
}
