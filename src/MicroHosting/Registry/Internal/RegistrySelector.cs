using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Internal;

/// <summary>Resolves the active <see cref="IRegistry"/>: the one registered under <see cref="MicroOptions.Registry"/>'s name.</summary>
internal static class RegistrySelector
{
    public static IRegistry Select(IServiceProvider services)
    {
        return MicroPlugins.Select<IRegistry>(services, services.GetRequiredService<IOptions<MicroOptions>>().Value.Registry, static name => name switch
            {
                "etcd" => "MICRO_REGISTRY is 'etcd', but the etcd registry is not added: reference the MicroHosting.Registry.Etcd package and call builder.Services.AddMicro().AddEtcdRegistry().",
                _ => $"Registry '{name}' (Micro:Registry / MICRO_REGISTRY) is not available. Built in: mdns, memory, static; others come from packages (etcd: MicroHosting.Registry.Etcd).",
            });
    }
}
