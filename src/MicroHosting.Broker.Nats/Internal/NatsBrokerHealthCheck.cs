using Microsoft.Extensions.Diagnostics.HealthChecks;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>Healthy while the NATS connection is open (or not needed yet); unhealthy while it is reconnecting.</summary>
internal sealed class NatsBrokerHealthCheck(NatsConnectionProvider broker) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var state = broker.State;
        return Task.FromResult(state switch
        {
            null => HealthCheckResult.Healthy("not connected yet (nothing published or subscribed)"),
            NatsConnectionState.Open => HealthCheckResult.Healthy($"connected to {broker.ServerUrl}"),
            _ => HealthCheckResult.Unhealthy($"NATS connection {state}; the client is reconnecting ({broker.ServerUrl})"),
        });
    }
}
