namespace MicroHosting.Client;

/// <summary>
/// Client defaults, bound from the <c>Micro:Client</c> configuration section and from Go Micro's variables
/// <c>MICRO_CLIENT_RETRIES</c>, <c>MICRO_CLIENT_REQUEST_TIMEOUT</c> and <c>MICRO_SELECTOR</c>, which win over code.
/// A typed client (<c>AddMicroClient</c>) and each call can override them with <see cref="MicroCallOptions"/>.
/// </summary>
public sealed class MicroClientOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Client";

    /// <summary>
    /// The name of the HttpClient behind <see cref="IMicroClient"/>. Add handlers or change its primary handler with
    /// <c>services.AddHttpClient(MicroClientOptions.HttpClientName)</c>.
    /// </summary>
    public const string HttpClientName = "MicroHosting";

    /// <summary>
    /// The name of the HttpClient that carries stream upgrades (WebSockets): the same socket settings and TLS as
    /// <see cref="HttpClientName"/>, without its call pipeline (a stream runs that itself), and a connection per stream.
    /// </summary>
    public const string StreamHttpClientName = "MicroHosting.Streams";

    /// <summary>Gets or sets how many times a failed attempt is retried (<c>MICRO_CLIENT_RETRIES</c>). Default 1, as in Go Micro; at most 10.</summary>
    public int Retries { get; set; } = 1;

    /// <summary>
    /// Gets or sets the time budget of a call, retries included (<c>MICRO_CLIENT_REQUEST_TIMEOUT</c>: Go durations such as
    /// <c>5s</c> or <c>500ms</c>, or whole seconds). Default 5 s, as in Go Micro.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Gets or sets the longest one attempt may take. <see langword="null"/> (default): half of what is left of the call's
    /// budget when a retry could follow the attempt (the endpoint is idempotent and retries are left), so the retry on
    /// another node has time too; otherwise everything that is left. A set value is still capped by what is left.
    /// </summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>
    /// Gets or sets the first retry's delay; each further retry waits about twice as long (exponential backoff with
    /// jitter). A <c>Retry-After</c> the node sent lengthens the wait when no other node is left to try. Default 100 ms.
    /// </summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets the share of calls that may be retried, per service over the last 10 seconds, on top of
    /// <see cref="MinRetriesPerSecond"/> (a retry budget, like gRPC's retry throttling): when every node fails, retries add
    /// at most this much load. Default 0.2 (20%).
    /// </summary>
    public double RetryBudgetRatio { get; set; } = 0.2;

    /// <summary>Gets or sets the retries per second each service may always use, whatever <see cref="RetryBudgetRatio"/> allows, so a client with little traffic still retries. Default 10.</summary>
    public int MinRetriesPerSecond { get; set; } = 10;

    /// <summary>
    /// Gets or sets the node selector by name (<c>MICRO_SELECTOR</c>): <c>p2c</c> (default: power of two choices over
    /// attempts outstanding and latency, which steers calls away from slow and hung nodes), <c>random</c> (Go Micro's
    /// default) or <c>roundrobin</c>, or one you register.
    /// </summary>
    public string Selector { get; set; } = "p2c";

    /// <summary>
    /// Gets the per-service policies (<c>Micro:Client:Services:&lt;name&gt;:...</c>): timeout, attempt timeout, retries,
    /// selector, idempotent endpoints, and per-endpoint overrides. A call's and a typed client's options win over them.
    /// </summary>
    public IDictionary<string, MicroServicePolicy> Services { get; } = new Dictionary<string, MicroServicePolicy>(StringComparer.Ordinal);

    /// <summary>Gets or sets the request content type for every call; <see langword="null"/> (default) picks protobuf or JSON per node and message type.</summary>
    public string? ContentType { get; set; }

    /// <summary>
    /// Gets or sets how long the registry cache keeps a service's nodes before asking the registry again. Registry
    /// watch events update the cache in between. Default 1 minute, as in Go Micro's cache selector.
    /// </summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Gets or sets how long a node is skipped after it failed at the transport level, or answered
    /// <see cref="EjectionThreshold"/> times in a row with a server error, a timeout or a slow reply (its circuit is open).
    /// Each further ejection in a row lasts once more as long (at most ten times). After the cool-down one call probes
    /// the node; its success brings the node back, its failure ejects it again. Default 30 s. A node that registers again
    /// is used again at once.
    /// </summary>
    public TimeSpan EjectionDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how many server errors (5xx), attempt timeouts or slow replies in a row eject a node. Default 5; a transport failure ejects at once.</summary>
    public int EjectionThreshold { get; set; } = 5;

    /// <summary>
    /// Gets or sets how many times slower than the fastest node of its service a node's latency average may get before
    /// each of its replies counts as a failure toward <see cref="EjectionThreshold"/>; 0 turns slow-node ejection off. Default 5.
    /// </summary>
    public double SlowNodeFactor { get; set; } = 5;

    /// <summary>Gets or sets the latency below which no node counts as slow, however it compares with the others. Default 100 ms.</summary>
    public TimeSpan SlowNodeMinLatency { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Gets or sets the largest stream message the client accepts from a node, in bytes; a larger one ends the stream with
    /// a 413 <see cref="MicroException"/>. Bounds the memory one stream can take. Also the bound of a gzip-compressed gRPC
    /// message once inflated (stream messages and compressed unary replies). Default 16 MiB.
    /// </summary>
    public int MaxStreamMessageSize { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Gets or sets whether unary calls to a MicroHosting node use HTTP/2, multiplexed over few connections: on a TLS node
    /// (<c>secure=true</c>) its main port, negotiated by ALPN; on a node that advertises a cleartext HTTP/2 port (node
    /// metadata <c>h2c=&lt;port&gt;</c>, set by the server's <c>Micro:Http2Address</c>) that port. Other nodes, and Go Micro
    /// nodes, are called over HTTP/1.1 either way; streams use WebSockets on the node's main port. Nodes that registered
    /// <c>protocol=grpc</c> are called, streams included, over HTTP/2 whatever this says (gRPC needs it). Default <see langword="true"/>.
    /// </summary>
    public bool UseHttp2 { get; set; } = true;

    /// <summary>
    /// Gets the names of incoming headers (metadata) that calls, streams and messages made inside a handler or subscriber
    /// pass on, besides Go Micro's own <c>Micro-*</c> / <c>X-Micro-*</c> metadata, which always travels on. An entry is a
    /// header name or a prefix ending in <c>*</c> (<c>X-Tenant-*</c>). Anything else stays on the hop it arrived on.
    /// <c>Authorization</c>, <c>Proxy-Authorization</c>, <c>Cookie</c> and <c>Set-Cookie</c> are never passed on and cannot
    /// be listed. Default: empty. Bound from <c>Micro:Client:PropagatedHeaders</c>.
    /// </summary>
    public IList<string> PropagatedHeaders { get; } = [];

    /// <summary>The compiled <see cref="PropagatedHeaders"/> filter, built on first use (options do not change once resolved).</summary>
    internal Internal.MetadataPropagation? Propagation { get; set; }
}
