using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MicroHosting.Registry.Internal;

/// <summary>
/// "Registry reachable": healthy while the selected registry answers a listing within <see cref="Timeout"/>. Works for any
/// <see cref="IRegistry"/>; a registry package may add a deeper check of its own (etcd's <c>micro-etcd</c>).
/// </summary>
internal sealed class RegistryHealthCheck(IServiceProvider services) : IHealthCheck
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        IRegistry registry;
        try
        {
            registry = services.GetRequiredService<IRegistry>();
        }
        catch (InvalidOperationException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message, ex);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var listed = await registry.ListServicesAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"the {registry.Name} registry answered ({listed.Count} service(s))");
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"the {registry.Name} registry did not answer within {Timeout.TotalSeconds}s", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the {registry.Name} registry failed: {ex.Message}", ex);
        }
    }
}
