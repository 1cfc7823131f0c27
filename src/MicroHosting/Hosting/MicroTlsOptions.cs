namespace MicroHosting.Hosting;

/// <summary>
/// TLS for this node's listener and for the calls it makes, bound from the <c>Micro:Tls</c> configuration section and
/// from Go Micro-style variables (<c>MICRO_SERVER_TLS_*</c>, <c>MICRO_CLIENT_TLS_*</c>), which win over code. Files are
/// PEM and are read again when they change (checked at most every <see cref="ReloadInterval"/>), so certificates rotate
/// without a restart. Validated when the host starts.
/// </summary>
public sealed class MicroTlsOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Tls";

    /// <summary>
    /// Gets or sets the server certificate, a PEM file (<c>MICRO_SERVER_TLS_CERT_FILE</c>): the node's certificate first,
    /// then any intermediates. With <see cref="KeyFile"/>, the node's main listener (<c>Micro:Address</c>, or every
    /// <c>https://</c> URL) serves TLS with HTTP/1.1 and HTTP/2 negotiated by ALPN, and the node registers <c>secure=true</c>.
    /// The certificate must name the address the node registers (an IP address or DNS subject alternative name).
    /// Default <see langword="null"/>: no TLS (or Kestrel's own certificate settings).
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>Gets or sets the server certificate's private key, a PEM file (<c>MICRO_SERVER_TLS_KEY_FILE</c>). Required with <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Gets or sets the CA certificates (PEM) that sign the client certificates this node accepts
    /// (<c>MICRO_SERVER_TLS_CLIENT_CA_FILE</c>). When set, every connection must present a valid, unexpired client
    /// certificate issued by one of them (mutual TLS); the caller's identity is then
    /// <c>HttpContext.Connection.ClientCertificate</c> and, with <c>AddAuthentication().AddMicroCertificate()</c>, <c>HttpContext.User</c>.
    /// Requires <see cref="CertificateFile"/>. Default <see langword="null"/>: no client certificate asked for.
    /// </summary>
    public string? ClientCaFile { get; set; }

    /// <summary>
    /// Gets or sets the CA certificates (PEM) the client trusts for nodes' certificates (<c>MICRO_CLIENT_TLS_CA_FILE</c>),
    /// for private CAs. When set, a node's certificate must chain to one of them (the system store is not consulted).
    /// Default <see langword="null"/>: the system's trusted roots.
    /// </summary>
    public string? CaFile { get; set; }

    /// <summary>Gets or sets the client certificate (PEM) presented to nodes that require one (<c>MICRO_CLIENT_TLS_CERT_FILE</c>). Default none.</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>Gets or sets the client certificate's private key, a PEM file (<c>MICRO_CLIENT_TLS_KEY_FILE</c>). Required with <see cref="ClientCertificateFile"/>.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>
    /// Gets or sets whether the client accepts any node certificate, trusted or not. For development only: it turns off
    /// the protection TLS gives against a man in the middle, and a warning is logged when the client is first used. Default
    /// <see langword="false"/>. There is no environment variable for it on purpose.
    /// </summary>
    public bool DangerousAcceptAnyServerCertificate { get; set; }

    /// <summary>Gets or sets how often the certificate and CA files are checked for changes. Default 1 minute; zero checks on every TLS handshake.</summary>
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Gets whether the server side is configured (<see cref="CertificateFile"/> set).</summary>
    internal bool ServerEnabled => !string.IsNullOrWhiteSpace(CertificateFile);
}
