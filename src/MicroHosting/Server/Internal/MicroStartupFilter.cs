using MicroHosting.Broker.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// The one startup filter of <c>AddMicro</c>, for the server and the http broker's endpoint alike. Ahead of everything,
/// including the routing middleware WebApplication adds: the Go Micro request rewrite, WebSocket support for streams,
/// and the v2.5+ broker path rewrite. After the app's pipeline: the broker's receive fallback for apps without a routed
/// broker endpoint.
/// </summary>
internal sealed class MicroStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<GoMicroRequestMiddleware>();
        // Only a GET (HTTP/1.1 upgrade) or CONNECT (HTTP/2) can open a stream; the WebSocket middleware allocates a
        // handshake feature for every request it sees, so unary POSTs skip it.
        app.UseWhen(static context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsConnect(context.Request.Method), static branch => branch.UseWebSockets());
        app.UseMiddleware<HttpBrokerRequestMiddleware>();
        next(app);
        app.UseMiddleware<HttpBrokerFallbackMiddleware>();
    };
}
