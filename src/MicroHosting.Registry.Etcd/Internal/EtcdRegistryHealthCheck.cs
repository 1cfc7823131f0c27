using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>Healthy while etcd answers a read under the registry prefix; not consulted when another registry is selected.</summary>
internal sealed class EtcdRegistryHealthCheck(IServiceProvider services, IOptions<MicroOptions> micro) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(micro.Value.Registry.Trim(), EtcdRegistry.RegistryName, StringComparison.OrdinalIgnoreCase))
        {
            return HealthCheckResult.Healthy($"the etcd registry is not selected (registry: {micro.Value.Registry})");
        }

        var registry = services.GetRequiredService<EtcdRegistry>();
        try
        {
            await registry.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"etcd reachable at {registry.Endpoints}");
        }
        catch (MicroException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Detail, ex);
        }
    }
}
