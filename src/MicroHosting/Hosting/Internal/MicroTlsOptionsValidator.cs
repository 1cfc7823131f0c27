using MicroHosting.Security.Internal;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>Checks <see cref="MicroTlsOptions"/> at start: pairs that go together, and files that exist and parse.</summary>
internal sealed class MicroTlsOptionsValidator(IOptions<MicroOptions> micro) : IValidateOptions<MicroTlsOptions>
{
    public ValidateOptionsResult Validate(string? name, MicroTlsOptions options)
    {
        var failures = new List<string>();
        Pair(failures, options.CertificateFile, options.KeyFile, "Micro:Tls:CertificateFile (MICRO_SERVER_TLS_CERT_FILE)", "Micro:Tls:KeyFile (MICRO_SERVER_TLS_KEY_FILE)");
        Pair(failures, options.ClientCertificateFile, options.ClientKeyFile, "Micro:Tls:ClientCertificateFile (MICRO_CLIENT_TLS_CERT_FILE)", "Micro:Tls:ClientKeyFile (MICRO_CLIENT_TLS_KEY_FILE)");
        if (!string.IsNullOrWhiteSpace(options.ClientCaFile) && !options.ServerEnabled)
        {
            failures.Add("Micro:Tls:ClientCaFile (MICRO_SERVER_TLS_CLIENT_CA_FILE) asks callers for certificates, which needs TLS: set Micro:Tls:CertificateFile and KeyFile (MICRO_SERVER_TLS_CERT_FILE, MICRO_SERVER_TLS_KEY_FILE) too.");
        }

        if (options.ServerEnabled && micro.Value.Name is not null)
        {
            if (micro.Value.Address is null)
            {
                failures.Add("TLS (Micro:Tls:CertificateFile / MICRO_SERVER_TLS_CERT_FILE) is served on the main address: set Micro:Address / MICRO_SERVER_ADDRESS (for example :8443). To use the urls setting instead, configure Kestrel's own HTTPS certificate and leave Micro:Tls's server files unset.");
            }

            if (micro.Value.Http2Address is not null)
            {
                failures.Add($"With TLS the main address serves HTTP/2 (ALPN), so the cleartext HTTP/2 address '{micro.Value.Http2Address}' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) would only bypass TLS: remove it.");
            }
        }

        if (!options.ServerEnabled && micro.Value.Name is not null && micro.Value.Server == MicroOptions.GrpcServer && micro.Value.Http2Address is null)
        {
            failures.Add("Micro:Server / MICRO_SERVER grpc registers an address Go Micro's gRPC client reaches with cleartext HTTP/2, which Kestrel serves only on an HTTP/2-only listener: set Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS (for example :0), or serve TLS on the main address (Micro:Tls:CertificateFile / MICRO_SERVER_TLS_CERT_FILE).");
        }

        if (options.ReloadInterval < TimeSpan.Zero)
        {
            failures.Add($"Micro:Tls:ReloadInterval must not be negative (zero checks the files on every handshake), but is {options.ReloadInterval}.");
        }

        if (failures.Count == 0)
        {
            // Load once now, so a wrong path or a key that does not match fails the start, not the first handshake.
            Load(failures, () => PemFiles.LoadCertificate(options.CertificateFile, options.KeyFile, MicroTlsNames.Server)?.Certificate.Dispose());
            Load(failures, () => PemFiles.LoadCertificate(options.ClientCertificateFile, options.ClientKeyFile, MicroTlsNames.Client)?.Certificate.Dispose());
            Load(failures, () => PemFiles.LoadAuthorities(options.ClientCaFile, MicroTlsNames.ClientCa));
            Load(failures, () => PemFiles.LoadAuthorities(options.CaFile, MicroTlsNames.Ca));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Pair(List<string> failures, string? certificate, string? key, string certificateName, string keyName)
    {
        if (string.IsNullOrWhiteSpace(certificate) != string.IsNullOrWhiteSpace(key))
        {
            failures.Add($"{certificateName} and {keyName} go together: set both (PEM files), or neither.");
        }
    }

    private static void Load(List<string> failures, Action load)
    {
        try
        {
            load();
        }
        catch (InvalidOperationException ex)
        {
            failures.Add(ex.Message);
        }
    }
}
