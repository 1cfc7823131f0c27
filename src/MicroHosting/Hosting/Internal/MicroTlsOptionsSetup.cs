using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>Binds <see cref="MicroTlsOptions"/> from <c>Micro:Tls</c>, then from the <c>MICRO_*_TLS_*</c> variables, which win over code.</summary>
internal sealed class MicroTlsOptionsSetup(IConfiguration? configuration = null) : IPostConfigureOptions<MicroTlsOptions>
{
    public void PostConfigure(string? name, MicroTlsOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        configuration.GetSection(MicroTlsOptions.SectionName).Bind(options);
        options.CertificateFile = Value(MicroEnvironment.ServerTlsCertFile) ?? options.CertificateFile;
        options.KeyFile = Value(MicroEnvironment.ServerTlsKeyFile) ?? options.KeyFile;
        options.ClientCaFile = Value(MicroEnvironment.ServerTlsClientCaFile) ?? options.ClientCaFile;
        options.CaFile = Value(MicroEnvironment.ClientTlsCaFile) ?? options.CaFile;
        options.ClientCertificateFile = Value(MicroEnvironment.ClientTlsCertFile) ?? options.ClientCertificateFile;
        options.ClientKeyFile = Value(MicroEnvironment.ClientTlsKeyFile) ?? options.ClientKeyFile;
    }

    private string? Value(string key) => MicroEnvironment.Read(configuration!, key);
}
