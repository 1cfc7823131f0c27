using MicroHosting.Broker;
using MicroHosting.Broker.Nats;
using MicroHosting.Broker.Nats.Internal;
using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the NATS broker to MicroHosting.</summary>
public static class NatsBrokerMicroBuilderExtensions
{
    /// <summary>
    /// Adds the <c>nats</c> broker and selects it in code (<c>MICRO_BROKER</c> / <c>Micro:Broker</c> still override the
    /// choice; <c>MICRO_BROKER_ADDRESS</c> overrides <see cref="NatsBrokerOptions.Url"/>). Also adds a <c>micro-broker-nats</c>
    /// health check that is unhealthy while the connection is down. Options bind from <c>Micro:Nats</c> (see
    /// <see cref="NatsBrokerOptions"/>), after <paramref name="configure"/>, and are validated at start. Calls <c>AddMicroCore</c> itself.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options in code; <see langword="null"/> keeps the defaults. Configuration overrides them.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddNatsBroker(this IMicroBuilder builder, Action<NatsBrokerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddMicroCore();
        services.AddOptions<NatsBrokerOptions>().ValidateOnStart();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<NatsBrokerOptions>, NatsBrokerOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NatsBrokerOptions>, NatsBrokerOptionsValidator>());
        services.TryAddSingleton<NatsBroker>();
        builder.AddBroker("nats", sp => sp.GetRequiredService<NatsBroker>());
        if (!services.Any(d => d.ServiceType == typeof(NatsBrokerHealthCheck)))
        {
            services.AddSingleton<NatsBrokerHealthCheck>();
            services.AddHealthChecks().AddCheck<NatsBrokerHealthCheck>("micro-broker-nats", tags: ["micro"]);
        }

        return builder.UseBroker("nats");
    }
}
