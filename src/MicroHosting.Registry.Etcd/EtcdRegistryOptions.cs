namespace MicroHosting.Registry.Etcd;

/// <summary>
/// Settings of the etcd registry, bound from the <c>Micro:Etcd</c> configuration section. <c>MICRO_REGISTRY_ADDRESS</c>
/// (<c>Micro:RegistryAddress</c>) replaces <see cref="Addresses"/> when the etcd registry is selected. Validated when the
/// host starts. The registration TTL is Go Micro's <c>MICRO_REGISTER_TTL</c> (<c>Micro:RegisterTtl</c>).
/// </summary>
public sealed class EtcdRegistryOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Etcd";

    /// <summary>
    /// Gets or sets the etcd members, a comma-separated <c>host:port</c> list (<c>10.0.0.5:2379,10.0.0.6:2379</c>).
    /// A member without a port uses 2379; <c>https://host:port</c> turns TLS on. Default <c>127.0.0.1:2379</c>.
    /// </summary>
    public string Addresses { get; set; } = "127.0.0.1:2379";

    /// <summary>
    /// Gets or sets the key prefix under which each node is one key, <c>&lt;prefix&gt;&lt;service&gt;/&lt;node id&gt;</c>.
    /// Default <c>/micro/registry/</c>, Go Micro's, so .NET and Go services see each other.
    /// </summary>
    public string Prefix { get; set; } = "/micro/registry/";

    /// <summary>Gets or sets the etcd user, for a cluster with authentication enabled. Default none.</summary>
    public string? Username { get; set; }

    /// <summary>Gets or sets the etcd user's password. Default none.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets whether to connect with TLS. Default <see langword="false"/>; also on when an address starts with <c>https://</c> or a TLS file is set.</summary>
    public bool UseTls { get; set; }

    /// <summary>Gets or sets a PEM file with the CA certificate(s) that sign the etcd server certificate (etcdctl's <c>--cacert</c>). Default: the system trust store.</summary>
    public string? CaFile { get; set; }

    /// <summary>Gets or sets a PEM client certificate for etcd's client-certificate authentication (<c>--cert</c>). Requires <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    /// <summary>Gets or sets the PEM private key of <see cref="CertFile"/> (<c>--key</c>).</summary>
    public string? KeyFile { get; set; }

    /// <summary>Gets or sets whether to accept any server certificate (<c>--insecure-skip-tls-verify</c>). For tests only. Default <see langword="false"/>.</summary>
    public bool InsecureSkipTlsVerify { get; set; }

    /// <summary>Gets or sets how long connecting to an etcd member may take. Default 5 s.</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets or sets how long one etcd request (get, put, lease) may take before it fails. Default 5 s.</summary>
    public TimeSpan OperationTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
