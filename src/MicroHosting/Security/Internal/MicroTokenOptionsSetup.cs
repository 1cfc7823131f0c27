using MicroHosting.Client;
using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>Binds <see cref="MicroTokenOptions"/> from <c>Micro:Client:Token</c>, then from <c>MICRO_CLIENT_TOKEN</c> / <c>MICRO_CLIENT_TOKEN_FILE</c>.</summary>
internal sealed class MicroTokenOptionsSetup(IConfiguration? configuration = null) : IPostConfigureOptions<MicroTokenOptions>
{
    public void PostConfigure(string? name, MicroTokenOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        configuration.GetSection(MicroTokenOptions.SectionName).Bind(options);
        options.Value = Value(MicroEnvironment.ClientToken) ?? options.Value;
        options.File = Value(MicroEnvironment.ClientTokenFile) ?? options.File;
    }

    private string? Value(string key) => MicroEnvironment.Read(configuration!, key);
}
