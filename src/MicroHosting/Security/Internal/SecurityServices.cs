using MicroHosting.Client;
using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>The TLS registrations: options for both sides from <c>AddMicroCore</c>, the listener's TLS from <c>AddMicro</c>.</summary>
internal static class SecurityServices
{
    public static void AddCore(IServiceCollection services)
    {
        services.AddOptions<MicroTlsOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MicroTlsOptions>, MicroTlsOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MicroTlsOptions>, MicroTlsOptionsValidator>());
        services.TryAddSingleton<MicroClientTls>();
        services.AddOptions<MicroTokenOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<MicroTokenOptions>, MicroTokenOptionsSetup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<MicroTokenOptions>, MicroTokenOptionsValidator>());
        services.TryAddSingleton<IMicroCredentialProvider, ConfiguredTokenProvider>();
        services.TryAddSingleton(sp => new MicroCredentials(sp.GetService<IMicroCredentialProvider>()));
    }

    public static void AddServer(IServiceCollection services) => services.TryAddSingleton<MicroServerTls>();
}
