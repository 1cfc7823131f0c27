using MicroHosting.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MicroHosting.Testing.Internal;

/// <summary>
/// Makes the app's TestServer reachable at its advertised address while the app runs. The handler is created on the first
/// request, once the server has started; the app registers that address in the network's registry the usual way.
/// </summary>
internal sealed class MicroTestNodeRegistration(IServer server, IOptions<MicroOptions> options, MicroTestNetwork network, MicroTestNodeRoute route) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        if (string.IsNullOrWhiteSpace(value.Name) || value.Advertise is null)
        {
            return Task.CompletedTask; // a pure client: nothing to reach
        }

        if (server is not TestServer testServer)
        {
            throw new InvalidOperationException(
                $"The app '{value.Name}' runs on {server.GetType().Name}, not TestServer: a MicroTestNetwork reaches apps in memory only. " +
                "Use WebApplicationFactory (it uses TestServer) or builder.WebHost.UseTestServer().");
        }

        var node = new MicroTestNode(value.Name, value.Advertise, testServer, network.TimeProvider);
        network.Add(node);
        route.Node = node;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (route.Node is { } node)
        {
            network.Remove(node);
        }

        return Task.CompletedTask;
    }
}
