namespace MicroHosting.Client;

/// <summary>
/// How the client calls one service, from <c>Micro:Client:Services:&lt;service&gt;</c> (like gRPC's service config).
/// Every property left <see langword="null"/> falls back to <see cref="MicroClientOptions"/>; a call's or a typed client's
/// <see cref="MicroCallOptions"/> win over it, and an entry in <see cref="Endpoints"/> wins over it for that endpoint.
/// </summary>
public sealed class MicroServicePolicy
{
    /// <summary>Gets or sets the time budget of each call, retries included.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the longest one attempt may take (see <see cref="MicroClientOptions.AttemptTimeout"/>).</summary>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>Gets or sets how many times a failed attempt may be retried.</summary>
    public int? Retries { get; set; }

    /// <summary>
    /// Gets or sets when to hedge an idempotent call (opt-in; unset: never): when its first attempt has not answered after
    /// this delay, a second call goes to another node, and the first good reply wins. Pick a delay near the endpoint's p95
    /// latency. Each hedge takes one retry from the service's retry budget.
    /// </summary>
    public TimeSpan? HedgeDelay { get; set; }

    /// <summary>
    /// Gets or sets when to hedge an idempotent call as a latency percentile (opt-in; for example 0.95): a second call
    /// goes out when the first has not answered within that percentile of the endpoint's recent reply latencies, as this
    /// client measured them (the latest 256). Until 20 replies have been measured, <see cref="HedgeDelay"/> applies (if
    /// set). Between 0 and 1, exclusive.
    /// </summary>
    public double? HedgeAfterPercentile { get; set; }

    /// <summary>Gets or sets the node selector by name: <c>p2c</c>, <c>random</c>, <c>roundrobin</c> or one you register.</summary>
    public string? Selector { get; set; }

    /// <summary>
    /// Gets or sets whether every endpoint of the service is idempotent (safe to run twice), for services that do not
    /// declare it in the registry, such as Go Micro services. Default: as each endpoint declares.
    /// </summary>
    public bool? Idempotent { get; set; }

    /// <summary>Gets the policies of single endpoints, by <c>Type.Method</c> (<c>Micro:Client:Services:greeter:Endpoints:Greeter.Hello:Idempotent</c>).</summary>
    public IDictionary<string, MicroEndpointPolicy> Endpoints { get; } = new Dictionary<string, MicroEndpointPolicy>(StringComparer.Ordinal);
}
