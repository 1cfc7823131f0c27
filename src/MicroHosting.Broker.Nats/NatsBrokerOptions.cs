using NATS.Client.Core;

namespace MicroHosting.Broker.Nats;

/// <summary>
/// Settings of the NATS broker, bound from the <c>Micro:Nats</c> configuration section (configuration wins over code) and
/// validated when the host starts. <c>MICRO_BROKER_ADDRESS</c> (<see cref="Hosting.MicroOptions.BrokerAddress"/>) wins over <see cref="Url"/>.
/// </summary>
public sealed class NatsBrokerOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Nats";

    /// <summary>
    /// Gets or sets the server list, comma separated: <c>nats://host:port</c> or Go Micro's bare <c>host:port</c>.
    /// Default <c>nats://127.0.0.1:4222</c>.
    /// </summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// Gets or sets how published messages are written (<c>Micro:Nats:MessageFormat</c>): <see cref="NatsMessageFormat.GoMicro"/>
    /// (the default), Go Micro's JSON envelope, which Go Micro subscribers read; or <see cref="NatsMessageFormat.Headers"/>,
    /// native NATS headers and the raw body, smaller and faster when every subscriber is MicroHosting. Subscribers accept
    /// both formats (and a raw payload without headers) whatever this is set to.
    /// </summary>
    public NatsMessageFormat MessageFormat { get; set; } = NatsMessageFormat.GoMicro;

    /// <summary>
    /// Gets or sets how long a core NATS <c>PublishAsync</c> may wait while the connection is down (NATS.Net holds the
    /// message until it reconnects); after that it fails with a <see cref="MicroException"/> (code 503) instead of stalling
    /// the caller for the whole outage. Default 5 s. The JetStream broker uses <see cref="NatsJetStreamOptions.PublishTimeout"/>.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets the user name for user/password authentication (<c>Micro:Nats:User</c>). Default none.</summary>
    public string? User { get; set; }

    /// <summary>Gets or sets the password for user/password authentication (<c>Micro:Nats:Password</c>). Default none.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the authentication token (<c>Micro:Nats:Token</c>). Default none.</summary>
    public string? Token { get; set; }

    /// <summary>Gets or sets the NKey seed (<c>SU...</c>) to sign the server's challenge with (<c>Micro:Nats:NKeySeed</c>). Default none.</summary>
    public string? NKeySeed { get; set; }

    /// <summary>Gets or sets a <c>.creds</c> file (user JWT and NKey seed, as <c>nsc</c> writes it) (<c>Micro:Nats:CredentialsFile</c>). Default none.</summary>
    public string? CredentialsFile { get; set; }

    /// <summary>
    /// Gets or sets whether the connection must use TLS (<c>Micro:Nats:TlsRequired</c>). Default <see langword="false"/>:
    /// TLS is used when the URL is <c>tls://</c>, a TLS file is set, or the server requires it.
    /// </summary>
    public bool TlsRequired { get; set; }

    /// <summary>Gets or sets a PEM file of the CA that signed the server's certificate, for private CAs (<c>Micro:Nats:TlsCaFile</c>). Default: the system store.</summary>
    public string? TlsCaFile { get; set; }

    /// <summary>Gets or sets a PEM client certificate for servers that verify clients (<c>Micro:Nats:TlsCertFile</c>); needs <see cref="TlsKeyFile"/>.</summary>
    public string? TlsCertFile { get; set; }

    /// <summary>Gets or sets the PEM private key of <see cref="TlsCertFile"/> (<c>Micro:Nats:TlsKeyFile</c>).</summary>
    public string? TlsKeyFile { get; set; }

    /// <summary>Gets the JetStream settings (<c>Micro:Nats:JetStream</c>), used by the <c>jetstream</c> broker (<c>AddNatsJetStream</c>).</summary>
    public NatsJetStreamOptions JetStream { get; } = new();

    /// <summary>
    /// Gets or sets further NATS.Net settings applied last (credentials, TLS, reconnect waits), for example
    /// <c>o => o with { ReconnectWaitMax = TimeSpan.FromSeconds(5) }</c>. Default <see langword="null"/>.
    /// </summary>
    public Func<NatsOpts, NatsOpts>? ConfigureNats { get; set; }
}
