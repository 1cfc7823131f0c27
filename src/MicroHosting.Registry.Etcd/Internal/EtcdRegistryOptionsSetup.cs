using MicroHosting.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>
/// Binds <see cref="EtcdRegistryOptions"/> from <c>Micro:Etcd</c> after code, so configuration wins, then applies
/// <c>MICRO_REGISTRY_ADDRESS</c> when etcd is the selected registry, as Go Micro's <c>--registry_address</c> does.
/// </summary>
internal sealed class EtcdRegistryOptionsSetup(IConfiguration configuration, IOptions<MicroOptions> micro) : IPostConfigureOptions<EtcdRegistryOptions>
{
    public void PostConfigure(string? name, EtcdRegistryOptions options)
    {
        configuration.GetSection(EtcdRegistryOptions.SectionName).Bind(options);
        var selected = micro.Value;
        if (string.Equals(selected.Registry.Trim(), EtcdRegistry.RegistryName, StringComparison.OrdinalIgnoreCase)
            && !string.IsNullOrWhiteSpace(selected.RegistryAddress))
        {
            options.Addresses = selected.RegistryAddress.Trim();
        }
    }
}
