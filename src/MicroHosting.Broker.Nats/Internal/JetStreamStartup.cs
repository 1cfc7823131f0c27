using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Creates (or verifies) the JetStream streams when the host starts, before subscribers subscribe, so a misconfiguration
/// or an unreachable server stops the start with a message instead of failing the first publish. Does nothing when
/// another broker is selected.
/// </summary>
internal sealed class JetStreamStartup(IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IBroker>() is not JetStreamBroker broker)
        {
            return;
        }

        try
        {
            await broker.Topology.EnsureStreamsAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not InvalidOperationException and not OperationCanceledException)
        {
            throw new InvalidOperationException($"The JetStream broker could not create or verify its streams on {broker.ServerUrl}: {ex.Message}. Is nats-server running with JetStream enabled (nats-server -js)?", ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
