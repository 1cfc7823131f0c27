using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// The one mechanism behind the parts chosen by name (registries, brokers): each is a keyed singleton under its
/// lower-case name, selected in code through <see cref="MicroOptions"/> (which configuration overrides) and resolved
/// from the configured name, whatever its case.
/// </summary>
internal static class MicroPlugins
{
    /// <summary>The key a plug-in is registered and looked up under: its name, trimmed and lower case.</summary>
    public static string Key(string name) => name.Trim().ToLowerInvariant();

    /// <summary>Makes a plug-in available under <paramref name="name"/>, created once when first needed; replaces one of that name.</summary>
    public static IMicroBuilder Add<T>(IMicroBuilder builder, string name, Func<IServiceProvider, T> factory)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(factory);
        Replace<T>(builder, name, (services, key) => services.AddKeyedSingleton(key, (sp, _) => factory(sp)));
        return builder;
    }

    /// <summary>Makes an instance available under its name and returns the key; replaces one of that name.</summary>
    public static string AddInstance<T>(IMicroBuilder builder, string name, T instance)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(instance);

        // Registered as an instance: the container never disposes what it did not create, so hosts can share it.
        return Replace<T>(builder, name, (services, key) => services.AddKeyedSingleton(key, instance));
    }

    /// <summary>Selects a plug-in in code by setting its name in <see cref="MicroOptions"/>; configuration still overrides it.</summary>
    public static IMicroBuilder Use(IMicroBuilder builder, string name, Action<MicroOptions, string> select)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.Configure<MicroOptions>(o => select(o, name));
        return builder;
    }

    /// <summary>Resolves the plug-in registered under <paramref name="configuredName"/>, or throws with what to add.</summary>
    public static T Select<T>(IServiceProvider services, string configuredName, Func<string, string> missing)
        where T : class
    {
        var name = Key(configuredName);
        return services.GetKeyedService<T>(name) ?? throw new InvalidOperationException(missing(name));
    }

    private static string Replace<T>(IMicroBuilder builder, string name, Action<IServiceCollection, string> register)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = Key(name);
        builder.Services.RemoveAllKeyed(typeof(T), key);
        register(builder.Services, key);
        return key;
    }
}
