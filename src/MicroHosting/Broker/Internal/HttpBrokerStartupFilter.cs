using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Puts the v2.5+ broker path rewrite ahead of routing, and the receive fallback for apps without a routed broker
/// endpoint after the app's pipeline.
/// </summary>
internal sealed class HttpBrokerStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<HttpBrokerRequestMiddleware>();
        next(app);
        app.UseMiddleware<HttpBrokerFallbackMiddleware>();
    };
}
