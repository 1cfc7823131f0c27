using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

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
        app.UseWebSockets();
        next(app);
    };
}
