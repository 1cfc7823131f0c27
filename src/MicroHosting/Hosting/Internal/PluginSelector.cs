using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Hosting.Internal;

/// <summary>Resolves the plug-in registered under a name chosen in options (registries, brokers), or explains what to add.</summary>
internal static class PluginSelector
{
    public static T Select<T>(IServiceProvider services, string configuredName, Func<string, string> missing)
        where T : class
    {
        var name = configuredName.Trim().ToLowerInvariant();
        return services.GetKeyedService<T>(name) ?? throw new InvalidOperationException(missing(name));
    }
}
