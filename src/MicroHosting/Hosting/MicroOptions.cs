namespace MicroHosting.Hosting;

/// <summary>
/// The service's identity, where it listens and how it registers. Bound from the <c>Micro</c> configuration
/// section and from Go Micro's environment variables (<c>MICRO_SERVER_NAME</c>, ...), which win over values set
/// in code, as Go Micro's flags do. Validated when the host starts.
/// </summary>
public sealed class MicroOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro";

    /// <summary>Gets or sets the service name (<c>MICRO_SERVER_NAME</c>). Required by <c>AddMicro</c>.</summary>
    public string? Name { get; set; }

    /// <summary>Gets or sets the service version (<c>MICRO_SERVER_VERSION</c>). Default <c>latest</c>.</summary>
    public string Version { get; set; } = "latest";

    /// <summary>Gets or sets the node id (<c>MICRO_SERVER_ID</c>). Default <c>&lt;name&gt;-&lt;uuid&gt;</c>, new for every process.</summary>
    public string? Id { get; set; }

    /// <summary>
    /// Gets or sets where Kestrel listens, <c>host:port</c> (<c>MICRO_SERVER_ADDRESS</c>), for example
    /// <c>127.0.0.1:8081</c>, <c>:8081</c> (every interface) or <c>127.0.0.1:0</c> (a free port).
    /// Default <see langword="null"/>: ASP.NET Core's own <c>urls</c> setting applies.
    /// </summary>
    public string? Address { get; set; }

    /// <summary>
    /// Gets or sets a second, cleartext HTTP/2-only (h2c) address Kestrel listens on, <c>host:port</c>
    /// (<c>MICRO_SERVER_HTTP2_ADDRESS</c>; port 0 picks a free port). MicroHosting clients call this node's unary
    /// endpoints there (multiplexed over few connections) and Go Micro callers keep using <see cref="Address"/> over
    /// HTTP/1.1; the bound port is registered as node metadata <c>h2c=&lt;port&gt;</c>. Requires <see cref="Address"/>,
    /// since listening in code makes Kestrel ignore the <c>urls</c> setting. Default <see langword="null"/>: HTTP/1.1 only.
    /// </summary>
    public string? Http2Address { get; set; }

    /// <summary>
    /// Gets or sets the wire this node registers as (<c>MICRO_SERVER</c>, as Go Micro v2's <c>--server</c> flag):
    /// <c>mucp</c> (default) registers the main address with <c>protocol=mucp</c>, for Go Micro's http transport and
    /// MicroHosting clients; <c>grpc</c> registers <c>protocol=grpc</c>, <c>server=grpc</c>, <c>transport=grpc</c>, as a
    /// Go Micro v2 gRPC service (<c>micro.NewService()</c>'s default) does, and the address a gRPC client can dial:
    /// the <see cref="Http2Address"/> listener in cleartext (Go Micro's gRPC client dials the registered address with
    /// HTTP/2 prior knowledge, which Kestrel serves only on an HTTP/2-only endpoint), or the main address with TLS
    /// (HTTP/2 by ALPN). Every listener answers both wires either way; this only chooses what is registered.
    /// </summary>
    public string Server { get; set; } = MucpServer;

    /// <summary>The <see cref="Server"/> value for Go Micro's mucp wire (HTTP/1.1 <c>POST /</c>), the default.</summary>
    public const string MucpServer = "mucp";

    /// <summary>The <see cref="Server"/> value for Go Micro v2's gRPC wire.</summary>
    public const string GrpcServer = "grpc";

    /// <summary>
    /// Gets or sets the <c>host:port</c> to register instead of the bound address (<c>MICRO_SERVER_ADVERTISE</c>),
    /// for NAT and containers. Default <see langword="null"/>: the bound address, with a wildcard host replaced by
    /// this machine's first private IPv4 address.
    /// </summary>
    public string? Advertise { get; set; }

    /// <summary>Gets the node metadata to register (<c>MICRO_SERVER_METADATA</c>, a comma-separated <c>k=v</c> list).</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the registry to use (<c>MICRO_REGISTRY</c>): <c>mdns</c> (default), <c>memory</c>, <c>static</c>, or one a package adds (<c>etcd</c>).</summary>
    public string Registry { get; set; } = "mdns";

    /// <summary>Gets or sets the registry's address list (<c>MICRO_REGISTRY_ADDRESS</c>), for registries that have one.</summary>
    public string? RegistryAddress { get; set; }

    /// <summary>Gets or sets how long a registration lives without a refresh (<c>MICRO_REGISTER_TTL</c>, seconds). Default 90 s.</summary>
    public TimeSpan RegisterTtl { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Gets or sets how often the registration is refreshed (<c>MICRO_REGISTER_INTERVAL</c>, seconds). Default 30 s; must be shorter than <see cref="RegisterTtl"/>.</summary>
    public TimeSpan RegisterInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the broker to use (<c>MICRO_BROKER</c>): <c>http</c> (default), <c>memory</c>, or one a package adds (<c>nats</c>).</summary>
    public string Broker { get; set; } = "http";

    /// <summary>Gets or sets the broker's address list (<c>MICRO_BROKER_ADDRESS</c>), for brokers that have one.</summary>
    public string? BrokerAddress { get; set; }

    /// <summary>Gets or sets the largest request body a handler accepts, in bytes; larger bodies get 413. Default 4 MiB.</summary>
    public long MaxRequestBodySize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Gets or sets whether this is a function (Go Micro's <c>NewFunction</c>): it serves one request, then
    /// deregisters and stops gracefully. Default <see langword="false"/>.
    /// </summary>
    public bool Function { get; set; }
}
