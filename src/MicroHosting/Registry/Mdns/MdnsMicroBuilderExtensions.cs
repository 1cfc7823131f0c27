using MicroHosting.Hosting;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;
using MicroHosting.Registry.Mdns.Internal;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Configures the mDNS registry, MicroHosting's default.</summary>
public static class MdnsMicroBuilderExtensions
{
    /// <summary>
    /// Selects the mDNS registry and configures it in code. Configuration (<c>Micro:Mdns</c>) and
    /// <c>MICRO_MDNS_INTERFACES</c> override what <paramref name="configure"/> sets; <c>MICRO_REGISTRY</c> still selects another registry.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets options, for example <c>o =&gt; o.Interfaces.Add("lo")</c>.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddMdnsRegistry(this IMicroBuilder builder, Action<MdnsRegistryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        AddMdnsCore(builder.Services);
        if (configure is not null)
        {
            builder.Services.Configure(configure);
        }

        return builder.UseRegistry("mdns");
    }

    /// <summary>Registers the mDNS provider under the name <c>mdns</c>, its options and its hosted responder. Called by <c>AddMicroCore</c>.</summary>
    internal static void AddMdnsCore(IServiceCollection services)
    {
        services.AddOptions<MdnsRegistryOptions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MdnsRegistryOptions>, MdnsOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MdnsRegistryOptions>, MdnsOptionsValidator>());
        services.TryAddKeyedSingleton<IRegistry>("mdns", (sp, _) => new MdnsRegistry(
            sp.GetRequiredService<IOptions<MdnsRegistryOptions>>().Value,
            sp.GetService<TimeProvider>(),
            sp.GetService<ILogger<MdnsRegistry>>(),
            sp.GetService<System.Diagnostics.Metrics.IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, MdnsHostedService>());
    }
}
