using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MicroHosting.Hosting.Internal;

/// <summary>Healthy while this node is registered; unhealthy (with the registry's last error) when it is not.</summary>
internal sealed class MicroRegistrationHealthCheck(MicroRegistrationState state) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (state.Registered)
        {
            return Task.FromResult(HealthCheckResult.Healthy($"registered as {state.Service?.Nodes.FirstOrDefault()?.Id}"));
        }

        return Task.FromResult(HealthCheckResult.Unhealthy(state.LastError is { } error ? $"not registered: {error}" : "not registered yet"));
    }
}
