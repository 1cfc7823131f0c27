using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace MicroHosting.Server.Internal;

/// <summary>The host's lifetime as handlers see it: open streams end when it stops; in function mode the first served request stops it.</summary>
internal sealed class MicroServerLifetime(bool function, IHostApplicationLifetime? lifetime)
{
    private int _functionServed;

    /// <summary>Gets whether the service runs in function mode (<see cref="Hosting.MicroOptions.Function"/>): one request, then stop.</summary>
    public bool Function { get; } = function;

    /// <summary>Gets a token cancelled when the host begins stopping; open streams end on it.</summary>
    public CancellationToken Stopping => lifetime?.ApplicationStopping ?? CancellationToken.None;

    /// <summary>In function mode, the first served request ends the process gracefully (deregister, drain, stop) once its reply is sent.</summary>
    public void OnServed(HttpContext context)
    {
        if (Function && lifetime is not null && Interlocked.Exchange(ref _functionServed, 1) == 0)
        {
            context.Response.OnCompleted(
                static state =>
                {
                    ((IHostApplicationLifetime)state).StopApplication();
                    return Task.CompletedTask;
                },
                lifetime);
        }
    }
}
