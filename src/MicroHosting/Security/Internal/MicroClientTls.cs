using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>
/// How MicroHosting's HttpClients (calls, streams, http broker deliveries) check nodes' certificates and which one they
/// present: the system's trusted roots by default; only the CAs of <see cref="MicroTlsOptions.CaFile"/> when it is set;
/// anything under <see cref="MicroTlsOptions.DangerousAcceptAnyServerCertificate"/>, with a warning. The client
/// certificate and the CA file are read again when they change.
/// </summary>
internal sealed partial class MicroClientTls
{
    private readonly ReloadingFiles<X509Certificate2Collection>? _authorities;
    private readonly ReloadingFiles<PemCertificate>? _certificate;
    private readonly bool _acceptAny;

    public MicroClientTls(IOptions<MicroTlsOptions> options, TimeProvider timeProvider, ILogger<MicroClientTls> logger)
    {
        var value = options.Value;
        _acceptAny = value.DangerousAcceptAnyServerCertificate;
        if (_acceptAny)
        {
            LogAcceptingAnyCertificate(logger);
        }

        if (!string.IsNullOrWhiteSpace(value.CaFile))
        {
            _authorities = new ReloadingFiles<X509Certificate2Collection>(
                [value.CaFile], () => PemFiles.LoadAuthorities(value.CaFile, MicroTlsNames.Ca), timeProvider, value.ReloadInterval, logger);
        }

        if (!string.IsNullOrWhiteSpace(value.ClientCertificateFile))
        {
            _certificate = new ReloadingFiles<PemCertificate>(
                [value.ClientCertificateFile, value.ClientKeyFile],
                () => PemFiles.LoadCertificate(value.ClientCertificateFile, value.ClientKeyFile, MicroTlsNames.Client),
                timeProvider,
                value.ReloadInterval,
                logger);
        }
    }

    /// <summary>Applies the trust and client certificate to a handler's TLS options.</summary>
    public void Apply(SslClientAuthenticationOptions ssl)
    {
        if (_acceptAny)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (_authorities is not null)
        {
            ssl.RemoteCertificateValidationCallback = ValidateServer;
        }

        if (_certificate is not null)
        {
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => _certificate.Current?.Certificate!;
        }
    }

    /// <summary>Applies the trust and client certificate to a handler the factory creates (the client's and the http broker's).</summary>
    public void Apply(HttpClientHandler handler)
    {
        if (_acceptAny)
        {
            handler.ServerCertificateCustomValidationCallback = static (_, _, _, _) => true;
        }
        else if (_authorities is not null)
        {
            handler.ServerCertificateCustomValidationCallback = (request, certificate, chain, errors) => ValidateServer(request, certificate, chain, errors);
        }

        if (_certificate?.Current is { } current)
        {
            // A handler's certificate list is fixed; the factory recycles handlers, which picks up a rotated certificate.
            handler.ClientCertificateOptions = ClientCertificateOption.Manual;
            handler.ClientCertificates.Add(current.Certificate);
        }
    }

    /// <summary>Makes an HttpClient's primary handler use <see cref="Apply(SslClientAuthenticationOptions)"/>.</summary>
    public static IHttpClientBuilder Configure(IHttpClientBuilder builder)
        => builder.ConfigurePrimaryHttpMessageHandler(static (handler, services) =>
        {
            var tls = services.GetRequiredService<MicroClientTls>();
            if (handler is SocketsHttpHandler sockets)
            {
                tls.Apply(sockets.SslOptions);
            }
            else if (handler is HttpClientHandler client)
            {
                tls.Apply(client);
            }
        });

    private bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        // The name must match whatever the trust anchor; only the chain is judged against the configured CAs.
        if (certificate is not X509Certificate2 presented || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        return _authorities!.Current is { } authorities && CertificateTrust.IsTrusted(presented, chain, authorities, CertificateTrust.ServerAuthentication);
    }

    [LoggerMessage(EventId = MicroEventIds.TlsAcceptingAnyCertificate, EventName = "TlsAcceptingAnyCertificate", Level = LogLevel.Warning,
        Message = "Micro:Tls:DangerousAcceptAnyServerCertificate is on: calls accept any node certificate, so TLS does not protect them from a man in the middle. Use it in development only; give a CA file (MICRO_CLIENT_TLS_CA_FILE) instead.")]
    private static partial void LogAcceptingAnyCertificate(ILogger logger);
}
