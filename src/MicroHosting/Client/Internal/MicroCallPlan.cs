using MicroHosting.Codecs;

namespace MicroHosting.Client.Internal;

/// <summary>
/// What one call (unary or stream) is, resolved once before its first attempt and never changed: the service and
/// endpoint, the options (call, then typed client, then the service's configured policy, then
/// <see cref="MicroClientOptions"/>), the budget and deadline, and the service's retry budget. Built by
/// <see cref="Create"/>; the metadata it sends goes onto the request by <see cref="MicroCallHeaders"/>. What happens on
/// each attempt is recorded on the <see cref="MicroCallState"/> that carries the plan.
/// </summary>
internal sealed class MicroCallPlan
{
    private MicroCallPlan(string service, string? endpoint, MicroCallOptions? options, MicroClientProfile? profile, bool stream, bool protobufTypes)
    {
        Service = service;
        Endpoint = endpoint;
        Options = options;
        Profile = profile;
        Stream = stream;
        ProtobufTypes = protobufTypes;
    }

    public string Service { get; }

    /// <summary>Gets the endpoint, <c>Type.Method</c>; <see langword="null"/> for a raw request whose path is not <c>/Type/Method</c>.</summary>
    public string? Endpoint { get; }

    /// <summary>Gets the call's own options, as given.</summary>
    public MicroCallOptions? Options { get; }

    /// <summary>Gets the typed client the call came through (its service and defaults), if any.</summary>
    public MicroClientProfile? Profile { get; }

    /// <summary>Gets whether the call is a stream: only MicroHosting nodes serve it, and it has no deadline unless one is set.</summary>
    public bool Stream { get; }

    /// <summary>Gets whether both message types are protobuf messages, so protobuf may be used.</summary>
    public bool ProtobufTypes { get; }

    public int Retries { get; private init; }

    /// <summary>Gets whether the call, its typed client or the service's policy declared the endpoint idempotent (or not); <see langword="null"/>: as the node's registration says.</summary>
    public bool? Idempotent { get; private init; }

    /// <summary>Gets the configured longest attempt; <see langword="null"/>: half the remaining budget when a retry may follow.</summary>
    public TimeSpan? AttemptTimeout { get; private init; }

    /// <summary>Gets the service's retry budget.</summary>
    public RetryBudget RetryBudget { get; private init; } = null!;

    /// <summary>Gets the codec every attempt uses, when the call or client fixed the content type.</summary>
    public MicroCodec? Codec { get; private init; }

    public MicroNodeFilter? Filter { get; private init; }

    public IMicroNodeSelector Selector { get; private init; } = null!;

    /// <summary>Gets the fixed address every attempt goes to, bypassing selection.</summary>
    public string? Address { get; private init; }

    /// <summary>Gets the call's whole budget; <see cref="Timeout.InfiniteTimeSpan"/> for a stream without a deadline.</summary>
    public TimeSpan Budget { get; private init; }

    /// <summary>Gets whether <see cref="Budget"/> is what was left of the calling handler's deadline.</summary>
    public bool BudgetFromCaller { get; private init; }

    /// <summary>Gets the deadline, in UTC ticks; <see cref="long.MaxValue"/> for none.</summary>
    public long Deadline { get; private init; }

    /// <summary>Gets whether the call has a deadline; a stream without a timeout has none.</summary>
    public bool HasDeadline => Deadline != long.MaxValue;

    /// <summary>
    /// Gets when to hedge the call (unary calls only; <see langword="null"/>: never): the configured latency percentile of
    /// the endpoint's recent replies when there are enough of them, else the configured fixed delay.
    /// </summary>
    public TimeSpan? HedgeDelay { get; private init; }

    /// <summary>Gets where the call's reply latency is recorded, when the endpoint hedges after a percentile.</summary>
    public LatencyWindow? Latencies { get; private init; }

    /// <summary>
    /// Resolves a call's plan: each setting from the call's options, else the typed client's, else the service's (and
    /// endpoint's) configured policy, else <see cref="MicroClientOptions"/>; the budget is capped at what is left of the
    /// calling handler's deadline. Throws when a setting is out of range or the deadline has already passed.
    /// </summary>
    public static MicroCallPlan Create(
        MicroClientRuntime runtime, string service, string? endpoint, MicroCallOptions? call, MicroClientProfile? profile, bool stream, bool protobufTypes)
    {
        var client = profile?.Defaults;
        var defaults = runtime.Options;
        var policy = runtime.Policy(service);
        var endpointPolicy = policy?.Endpoint(endpoint);
        var retries = call?.Retries ?? client?.Retries ?? endpointPolicy?.Retries ?? policy?.Options.Retries ?? defaults.Retries;
        if (retries is < 0 or > MicroClientOptionsValidator.MaxRetries)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MicroCallOptions.Retries), retries, $"MicroCallOptions.Retries must be between 0 and {MicroClientOptionsValidator.MaxRetries}.");
        }

        var codec = call?.ContentType is { } callType ? runtime.Codec(callType, "MicroCallOptions.ContentType")
            : client?.ContentType is { } clientType ? runtime.Codec(clientType, "the typed client's MicroCallOptions.ContentType")
            : runtime.DefaultCodec;

        // A stream has no deadline unless the call or the typed client sets one (RequestTimeout is for request/reply).
        var budget = call?.Timeout ?? client?.Timeout ?? endpointPolicy?.Timeout ?? policy?.Options.Timeout ?? (stream ? null : defaults.RequestTimeout);
        var fromCaller = false;
        if (MicroContext.Current?.RemainingTime is { } left && (budget is null || left < budget))
        {
            // Never wait longer than the caller of the handler this call runs in.
            budget = left;
            fromCaller = true;
        }

        var now = runtime.TimeProvider.GetUtcNow().UtcTicks; // one clock read for the deadline and the retry budget
        TimeSpan total;
        long deadline;
        if (budget is not { } due)
        {
            total = Timeout.InfiniteTimeSpan;
            deadline = long.MaxValue;
        }
        else if (due <= TimeSpan.Zero)
        {
            throw MicroException.Timeout(MicroClientErrors.Id, fromCaller
                ? $"call to {service} {endpoint} not made: the calling handler's deadline has passed"
                : $"call to {service} {endpoint} not made: the timeout {due} is not positive");
        }
        else
        {
            total = due;
            deadline = now + due.Ticks;
        }

        var retryBudget = runtime.RetryBudget(service);
        retryBudget.Deposit(now);
        var address = call?.Address ?? client?.Address;
        TimeSpan? hedgeDelay = null;
        LatencyWindow? latencies = null;
        if (!stream && address is null && endpoint is not null && policy is not null)
        {
            hedgeDelay = endpointPolicy?.HedgeDelay ?? policy.Options.HedgeDelay;
            if ((endpointPolicy?.HedgeAfterPercentile ?? policy.Options.HedgeAfterPercentile) is { } percentile)
            {
                latencies = runtime.Latencies(service, endpoint);
                hedgeDelay = latencies.Percentile(percentile) ?? hedgeDelay;
            }
        }

        return new MicroCallPlan(service, endpoint, call, profile, stream, protobufTypes)
        {
            Retries = retries,
            Idempotent = call?.Idempotent ?? client?.Idempotent ?? endpointPolicy?.Idempotent ?? policy?.Options.Idempotent,
            AttemptTimeout = call?.AttemptTimeout ?? client?.AttemptTimeout ?? endpointPolicy?.AttemptTimeout ?? policy?.Options.AttemptTimeout ?? defaults.AttemptTimeout,
            RetryBudget = retryBudget,
            Filter = call?.Filter ?? client?.Filter,
            Selector = call?.Selector ?? client?.Selector ?? policy?.Selector ?? runtime.Selector,
            Address = address,
            Codec = codec,
            Budget = total,
            BudgetFromCaller = fromCaller,
            Deadline = deadline,
            HedgeDelay = hedgeDelay,
            Latencies = latencies,
        };
    }
}
