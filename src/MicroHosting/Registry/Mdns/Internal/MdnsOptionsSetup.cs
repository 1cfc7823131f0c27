using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>Binds <see cref="MdnsRegistryOptions"/> from <c>Micro:Mdns</c>, then <c>MICRO_MDNS_INTERFACES</c>, which wins (as the <c>MICRO_*</c> variables do).</summary>
internal sealed class MdnsOptionsSetup(IConfiguration? configuration = null) : IPostConfigureOptions<MdnsRegistryOptions>
{
    public void PostConfigure(string? name, MdnsRegistryOptions options)
    {
        configuration?.GetSection(MdnsRegistryOptions.SectionName).Bind(options);
        ApplyEnvironment(options, configuration?[MdnsRegistryOptions.InterfacesVariable]);
    }

    /// <summary>Applies <c>MICRO_MDNS_INTERFACES</c> from configuration or, failing that, the process environment.</summary>
    public static void ApplyEnvironment(MdnsRegistryOptions options, string? configured = null)
    {
        var value = configured ?? Environment.GetEnvironmentVariable(MdnsRegistryOptions.InterfacesVariable);
        if (string.IsNullOrWhiteSpace(value))
        {
            return;
        }

        options.Interfaces.Clear();
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            options.Interfaces.Add(item);
        }
    }
}
