using MicroHosting.Broker;
using MicroHosting.Broker.Nats;
using MicroHosting.Broker.Nats.Internal;
using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the NATS brokers to MicroHosting: core NATS (<c>nats</c>) and NATS JetStream (<c>jetstream</c>).</summary>
public static class NatsBrokerMicroBuilderExtensions
{
    /// <summary>
    /// Adds the <c>nats</c> broker (core NATS, at most once) and selects it in code (<c>MICRO_BROKER</c> / <c>Micro:Broker</c>
    /// still override the choice; <c>MICRO_BROKER_ADDRESS</c> overrides <see cref="NatsBrokerOptions.Url"/>). Also adds a
    /// <c>micro-broker-nats</c> health check that is unhealthy while the connection is down. Options bind from <c>Micro:Nats</c>
    /// (see <see cref="NatsBrokerOptions"/>), after <paramref name="configure"/>, and are validated at start. Calls <c>AddMicroCore</c> itself.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options in code; <see langword="null"/> keeps the defaults. Configuration overrides them.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddNatsBroker(this IMicroBuilder builder, Action<NatsBrokerOptions>? configure = null)
    {
        AddNatsCore(builder, configure);
        builder.Services.TryAddSingleton<NatsBroker>();
        builder.AddBroker("nats", sp => sp.GetRequiredService<NatsBroker>());
        return builder.UseBroker("nats");
    }

    /// <summary>
    /// Adds the <c>jetstream</c> broker (NATS JetStream, at least once: acknowledged publishes, durable consumers, redelivery
    /// with backoff, dead letters) and selects it in code; <c>MICRO_BROKER=jetstream</c> selects it from configuration when the
    /// package is added this way. Connection settings are the NATS broker's (<see cref="NatsBrokerOptions"/>, <c>Micro:Nats</c>);
    /// JetStream's are <see cref="NatsBrokerOptions.JetStream"/> (<c>Micro:Nats:JetStream</c>). The streams are created or
    /// verified when the host starts. Adds the <c>micro-broker-nats</c> health check. Calls <c>AddMicroCore</c> itself.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="configure">Sets the options in code; <see langword="null"/> keeps the defaults. Configuration overrides them.</param>
    /// <returns>The builder.</returns>
    public static IMicroBuilder AddNatsJetStream(this IMicroBuilder builder, Action<NatsBrokerOptions>? configure = null)
    {
        AddNatsCore(builder, configure);
        var services = builder.Services;
        services.TryAddSingleton<JetStreamTopology>();
        services.TryAddSingleton<JetStreamBroker>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, JetStreamStartup>());
        builder.AddBroker("jetstream", sp => sp.GetRequiredService<JetStreamBroker>());
        return builder.UseBroker("jetstream");
    }

    private static void AddNatsCore(IMicroBuilder builder, Action<NatsBrokerOptions>? configure)
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
        services.TryAddSingleton<NatsConnectionProvider>();
        builder.AddHealthCheck<NatsBrokerHealthCheck>("micro-broker-nats");
    }
}
