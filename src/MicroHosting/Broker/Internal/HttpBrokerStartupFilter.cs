using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace MicroHosting.Broker.Internal;

/// <summary>Serves the http broker's <c>POST /_sub</c> ahead of routing, as Go Micro serves it beside the RPC handler.</summary>
internal sealed class HttpBrokerStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<HttpBrokerMiddleware>();
        next(app);
    };
}
