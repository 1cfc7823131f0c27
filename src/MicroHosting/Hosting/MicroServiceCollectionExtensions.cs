using MicroHosting.Client.Internal;
using MicroHosting.Codecs;
using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using MicroHosting.Registry;
using MicroHosting.Registry.Internal;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds MicroHosting to an application's services.</summary>
public static class MicroServiceCollectionExtensions
{
    /// <summary>
    /// Makes this app a Go Micro-style service: registration in the configured registry (mDNS by default), the Go Micro
    /// request route, <c>Debug.*</c> endpoints, codecs, and the client. Options bind from the <c>Micro</c> section and
    /// <c>MICRO_*</c> variables and are validated at start. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; configuration and <c>MICRO_*</c> variables override them.</param>
    /// <returns>A builder for plug-ins (registries, brokers, codecs, lifecycle hooks).</returns>
    public static IMicroBuilder AddMicro(this IServiceCollection services, Action<MicroOptions>? configure = null)
    {
        var builder = services.AddMicroCore(configure);
        services.AddOptions<MicroOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MicroOptions>, MicroOptionsValidator>());
        services.TryAddSingleton<MicroListeners>();
        MicroHosting.Security.Internal.SecurityServices.AddServer(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KestrelServerOptions>, KestrelAddressSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, MicroStartupFilter>());
        services.TryAddSingleton<MicroEndpointCatalog>();
        services.TryAddSingleton<MicroServerRuntime>();
        services.TryAddSingleton<DebugHandlers>();
        services.TryAddSingleton<MicroRegistrationState>();
        services.TryAddSingleton<MicroRegistrationService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, MicroRegistrationService>(static sp => sp.GetRequiredService<MicroRegistrationService>()));
        builder.AddHealthCheck<MicroRegistrationHealthCheck>("micro-registration").AddHealthCheck<RegistryHealthCheck>("micro-registry");
        MicroHosting.Broker.Internal.BrokerServices.AddServer(services);
        return builder;
    }

    /// <summary>
    /// Adds what both servers and pure clients need: options, codecs, the registry selected by <c>MICRO_REGISTRY</c>,
    /// and the built-in registries (<c>mdns</c>, <c>memory</c>, <c>static</c>). No registration and no name required. Safe to call more than once.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets options in code; configuration and <c>MICRO_*</c> variables override them.</param>
    /// <returns>A builder for plug-ins.</returns>
    public static IMicroBuilder AddMicroCore(this IServiceCollection services, Action<MicroOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<MicroOptions>();
        services.AddOptions<MicroLifecycleOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MicroOptions>, MicroOptionsSetup>());
        MicroHosting.Security.Internal.SecurityServices.AddCore(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MicroCodec, JsonMicroCodec>(_ => new JsonMicroCodec()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MicroCodec, ProtobufMicroCodec>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MicroCodec, BytesMicroCodec>());
        if (!services.Any(d => d.ServiceType == typeof(MicroCodec) && d.ImplementationInstance is GrpcFramedMicroCodec))
        {
            // Two instances of one type: TryAddEnumerable would keep only the first.
            services.AddSingleton<MicroCodec>(new GrpcFramedMicroCodec("application/grpc", new ProtobufMicroCodec(), "application/grpc+proto"));
            services.AddSingleton<MicroCodec>(new GrpcFramedMicroCodec(GrpcFramedMicroCodec.JsonMediaType, new JsonMicroCodec()));
        }
        // Go Micro's legacy envelopes, part of its default codec set (clients pick them for nodes without "protocol").
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MicroCodec, JsonRpcMicroCodec>(_ => new JsonRpcMicroCodec(new JsonMicroCodec())));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MicroCodec, ProtoRpcMicroCodec>(_ => new ProtoRpcMicroCodec(new ProtobufMicroCodec())));
        services.TryAddSingleton<MicroCodecRegistry>();
        services.AddMetrics();
        services.TryAddSingleton(static sp => new MicroHosting.Diagnostics.MicroMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()));

        services.TryAddKeyedSingleton<IRegistry>("memory", (sp, _) => new InMemoryRegistry(sp.GetRequiredService<TimeProvider>()));
        services.TryAddKeyedSingleton<IRegistry>("static", (sp, _) => StaticRegistry.FromConfiguration(sp));
        MdnsMicroBuilderExtensions.AddMdnsCore(services);
        services.TryAddSingleton(MicroPlugins.Registry.Resolve);
        MicroClientServices.Add(services);
        MicroHosting.Broker.Internal.BrokerServices.AddCore(services);
        return new MicroBuilder(services);
    }
}
