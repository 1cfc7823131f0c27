using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// The one mechanism behind the parts chosen by name (<see cref="MicroPlugins.Registry"/>, <see cref="MicroPlugins.Broker"/>):
/// each plug-in is a keyed singleton under its lower-case name, selected in code through <see cref="MicroOptions"/>
/// (which configuration overrides) and resolved from the configured name, whatever its case. A kind differs from
/// another only in where <see cref="MicroOptions"/> keeps its name, how an instance is named, and what to say when the
/// configured plug-in is missing.
/// </summary>
internal sealed class MicroPluginKind<T>(
    Func<MicroOptions, string> selected, Action<MicroOptions, string> select, Func<T, string> nameOf, Func<string, string> missing)
    where T : class
{
    /// <summary>Makes a plug-in available under <paramref name="name"/>, created once when first needed; replaces one of that name.</summary>
    public IMicroBuilder Add(IMicroBuilder builder, string name, Func<IServiceProvider, T> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Replace(builder, name, (services, key) => services.AddKeyedSingleton(key, (sp, _) => factory(sp)));
        return builder;
    }

    /// <summary>Makes <paramref name="instance"/> available under its name and selects it in code; the container never disposes it.</summary>
    public IMicroBuilder Use(IMicroBuilder builder, T instance)
    {
        ArgumentNullException.ThrowIfNull(instance);

        // Registered as an instance: the container never disposes what it did not create, so hosts can share it.
        return Use(builder, Replace(builder, nameOf(instance), (services, key) => services.AddKeyedSingleton(key, instance)));
    }

    /// <summary>Selects a plug-in in code by setting its name in <see cref="MicroOptions"/>; configuration still overrides it.</summary>
    public IMicroBuilder Use(IMicroBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        builder.Services.Configure<MicroOptions>(o => select(o, name));
        return builder;
    }

    /// <summary>Resolves the plug-in registered under the configured name, or throws with what to add.</summary>
    public T Resolve(IServiceProvider services)
    {
        var name = MicroPlugins.Key(selected(services.GetRequiredService<IOptions<MicroOptions>>().Value));
        return services.GetKeyedService<T>(name) ?? throw new InvalidOperationException(missing(name));
    }

    private static string Replace(IMicroBuilder builder, string name, Action<IServiceCollection, string> register)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var key = MicroPlugins.Key(name);
        builder.Services.RemoveAllKeyed(typeof(T), key);
        register(builder.Services, key);
        return key;
    }
}
