using MicroHosting.Hosting;
using MicroHosting.Registry.Etcd;
using MicroHosting.Registry.Etcd.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the etcd registry to MicroHosting.</summary>
public static class EtcdMicroBuilderExtensions
{
    /// <summary>
    /// Adds the etcd registry under the name <c>etcd</c> and selects it. <c>MICRO_REGISTRY</c> / <c>Micro:Registry</c>
    /// still choose another registry, and <c>MICRO_REGISTRY_ADDRESS</c> sets the etcd members. Options bind from
    /// <c>Micro:Etcd</c> (see <see cref="EtcdRegistryOptions"/>) and are validated at start. Also adds the health check
    /// <c>micro-etcd</c> (tag <c>micro</c>). Calls <c>AddMicroCore()</c>; safe to call more than once.
    /// </summary>
    /// <param name="builder">The builder from <c>AddMicro()</c> or <c>AddMicroCore()</c>.</param>
    /// <param name="configure">Sets options in code; configuration and <c>MICRO_*</c> variables override them.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddEtcdRegistry(this IMicroBuilder builder, Action<EtcdRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMicroCore();
        services.AddOptions<EtcdRegistryOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<EtcdRegistryOptions>, EtcdRegistryOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EtcdRegistryOptions>, EtcdRegistryOptionsValidator>());
        services.TryAddSingleton<EtcdRegistry>();
        return builder.AddHealthCheck<EtcdRegistryHealthCheck>("micro-etcd").AddRegistry(EtcdRegistry.RegistryName, sp => sp.GetRequiredService<EtcdRegistry>()).UseRegistry(EtcdRegistry.RegistryName);
    }
}
