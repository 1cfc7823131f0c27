using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>The client's registrations, made once by <c>AddMicroCore</c>: options, registry cache, node health, selectors, <see cref="IMicroClient"/>.</summary>
internal static class MicroClientServices
{
    public static void Add(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(MicroClientRuntime)))
        {
            return; // AddHttpClient below is not idempotent
        }

        services.AddOptions<MicroClientOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MicroClientOptions>, MicroClientOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MicroClientOptions>, MicroClientOptionsValidator>());
        services.TryAddSingleton<NodeHealth>();
        services.TryAddSingleton<RegistryCache>();
        services.TryAddSingleton<MicroClientRuntime>();
        services.TryAddSingleton<MicroCaller>();
        services.TryAddSingleton<MicroStreamer>();
        services.TryAddKeyedSingleton<IMicroNodeSelector>(PeakEwmaNodeSelector.Name, static (sp, _) => new PeakEwmaNodeSelector(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.TryAddKeyedSingleton<IMicroNodeSelector>(RandomNodeSelector.Name, new RandomNodeSelector());
        services.TryAddKeyedSingleton<IMicroNodeSelector>(RoundRobinNodeSelector.Name, (_, _) => new RoundRobinNodeSelector());
        services.AddHttpClient(MicroClientOptions.HttpClientName)
            .AddMicroPipeline(profile: null)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan); // held by the singleton MicroClient; connections still recycle (PooledConnectionLifetime)
        MicroHosting.Security.Internal.MicroClientTls.Configure(services.AddHttpClient(MicroClientOptions.StreamHttpClientName)
                .ConfigurePrimaryHttpMessageHandler(static () => MicroHttpClientPipeline.CreatePrimaryHandler()))
            .RemoveAllLoggers()
            .AddHttpMessageHandler(static () => new StreamUpgradeHandler())
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan); // held by the singleton MicroStreamer, as above
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHttpMessageHandlerBuilderFilter, MicroPrimaryHandlerFilter>());
        services.TryAddSingleton<IMicroClient, MicroClient>();
    }
}
