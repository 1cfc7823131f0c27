using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>
/// The node's TLS from <see cref="MicroTlsOptions"/>: its certificate (with intermediates) and, for mutual TLS, the CAs
/// its callers' certificates must chain to. Both are read again when their files change; each handshake uses the
/// current ones. Kestrel negotiates HTTP/1.1 or HTTP/2 by ALPN on the same port.
/// </summary>
internal sealed partial class MicroServerTls
{
    private readonly ReloadingFiles<SslStreamCertificateContext>? _certificate;
    private readonly ReloadingFiles<X509Certificate2Collection>? _clientAuthorities;
    private readonly ILogger<MicroServerTls> _logger;

    public MicroServerTls(IOptions<MicroTlsOptions> options, TimeProvider timeProvider, ILogger<MicroServerTls> logger)
    {
        var value = options.Value;
        _logger = logger;
        if (!value.ServerEnabled)
        {
            return;
        }

        _certificate = new ReloadingFiles<SslStreamCertificateContext>(
            [value.CertificateFile, value.KeyFile],
            () => PemFiles.LoadCertificate(value.CertificateFile, value.KeyFile, MicroTlsNames.Server) is { } pem
                ? SslStreamCertificateContext.Create(pem.Certificate, pem.Chain, offline: true)
                : null,
            timeProvider,
            value.ReloadInterval,
            logger);
        if (!string.IsNullOrWhiteSpace(value.ClientCaFile))
        {
            _clientAuthorities = new ReloadingFiles<X509Certificate2Collection>(
                [value.ClientCaFile], () => PemFiles.LoadAuthorities(value.ClientCaFile, MicroTlsNames.ClientCa), timeProvider, value.ReloadInterval, logger);
        }
    }

    /// <summary>Gets whether the node serves TLS from files.</summary>
    public bool Enabled => _certificate is not null;

    /// <summary>Gets whether callers must present a certificate.</summary>
    public bool RequiresClientCertificate => _clientAuthorities is not null;

    /// <summary>Gets how many times the server certificate files were read (for tests of rotation).</summary>
    internal int CertificateLoads => _certificate?.Loads ?? 0;

    /// <summary>Gets the options Kestrel's <c>UseHttps</c> takes: one handshake callback that reads the current files.</summary>
    public TlsHandshakeCallbackOptions HandshakeOptions() => new()
    {
        OnConnection = context => ValueTask.FromResult(ServerOptions()),
    };

    private SslServerAuthenticationOptions ServerOptions()
    {
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = _certificate!.Current,
            EnabledSslProtocols = SslProtocols.None, // the system's choice: TLS 1.2 and 1.3
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (_clientAuthorities?.Current is { } authorities)
        {
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, certificate, chain, _) => ValidateClient(certificate as X509Certificate2, chain, authorities);
        }

        return options;
    }

    private bool ValidateClient(X509Certificate2? certificate, X509Chain? chain, X509Certificate2Collection authorities)
    {
        if (certificate is null)
        {
            LogClientRejected("no client certificate");
            return false;
        }

        if (!CertificateTrust.IsTrusted(certificate, chain, authorities, CertificateTrust.ClientAuthentication))
        {
            LogClientRejected($"certificate '{certificate.Subject}' is not signed by a CA in the client CA file, is outside its validity dates, or is not for client authentication");
            return false;
        }

        return true;
    }

    [LoggerMessage(EventId = MicroEventIds.TlsClientRejected, EventName = "TlsClientRejected", Level = LogLevel.Debug, Message = "TLS handshake refused: {Reason}.")]
    private partial void LogClientRejected(string reason);
}
