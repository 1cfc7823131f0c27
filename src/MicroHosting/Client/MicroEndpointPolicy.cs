namespace MicroHosting.Client;

/// <summary>How the client calls one endpoint of a service (<see cref="MicroServicePolicy.Endpoints"/>); <see langword="null"/> properties fall back to the service's policy.</summary>
public sealed class MicroEndpointPolicy
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

    /// <summary>
    /// Gets or sets whether the endpoint is idempotent (safe to run twice): a call that failed after reaching the handler
    /// (500, timeout, connection lost mid-call) is then retried. Use it for endpoints of services that do not declare it in
    /// the registry, such as Go Micro services. Default: as the endpoint declares.
    /// </summary>
    public bool? Idempotent { get; set; }
}
