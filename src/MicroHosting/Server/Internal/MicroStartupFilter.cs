using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Puts the Go Micro request rewrite (and WebSocket support for streams) ahead of everything, including the routing
/// middleware WebApplication adds.
/// </summary>
internal sealed class MicroStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseMiddleware<GoMicroRequestMiddleware>();
        // Only a GET (HTTP/1.1 upgrade) or CONNECT (HTTP/2) can open a stream; the WebSocket middleware allocates a
        // handshake feature for every request it sees, so unary POSTs skip it.
        app.UseWhen(static context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsConnect(context.Request.Method), static branch => branch.UseWebSockets());
        next(app);
    };
}
