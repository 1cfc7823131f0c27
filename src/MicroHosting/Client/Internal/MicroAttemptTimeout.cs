namespace MicroHosting.Client.Internal;

/// <summary>
/// How long one attempt may take: the configured <see cref="MicroClientOptions.AttemptTimeout"/>, or else half of what is
/// left of the call's budget when a retry could follow (the endpoint is idempotent and retries are left), so the retry on
/// another node has time too. A non-idempotent attempt that times out is not retried, so it keeps the whole budget.
/// </summary>
internal static class MicroAttemptTimeout
{
    /// <summary>Gets the attempt's own timeout, or <see langword="null"/> when the call's budget bounds it already.</summary>
    public static TimeSpan? For(MicroCallState state, TimeProvider timeProvider)
    {
        var plan = state.Plan;
        var halfOfWhatIsLeft = plan.AttemptTimeout is null && plan.HasDeadline && state.Attempts <= plan.Retries && state.IsIdempotent;
        if (plan.AttemptTimeout is null && !halfOfWhatIsLeft)
        {
            return null; // the call's budget bounds the attempt (the clock is read only when it is needed)
        }

        var left = plan.HasDeadline ? TimeSpan.FromTicks(plan.Deadline - timeProvider.GetUtcNow().UtcTicks) : Timeout.InfiniteTimeSpan;
        var attempt = plan.AttemptTimeout ?? left / 2;
        return left == Timeout.InfiniteTimeSpan || attempt < left ? (attempt > TimeSpan.Zero ? attempt : TimeSpan.FromTicks(1)) : null;
    }

    /// <summary>
    /// How long an attempt to open a stream may wait for the node to answer the upgrade: the configured attempt timeout,
    /// else half of <paramref name="requestTimeout"/> (or of what is left of the stream's deadline, when shorter) while a
    /// retry could follow, else all of it. Opening never waits past the request timeout, even for a stream without a
    /// deadline, so a node that accepts connections but never answers costs one attempt and the stream opens elsewhere.
    /// </summary>
    public static TimeSpan ForOpening(MicroCallState state, TimeSpan requestTimeout, TimeProvider timeProvider)
    {
        var plan = state.Plan;
        var bound = requestTimeout;
        if (plan.HasDeadline)
        {
            var left = TimeSpan.FromTicks(plan.Deadline - timeProvider.GetUtcNow().UtcTicks);
            bound = left < bound ? left : bound;
        }

        var attempt = plan.AttemptTimeout ?? (state.Attempts <= plan.Retries ? bound / 2 : bound);
        attempt = attempt < bound ? attempt : bound;
        return attempt > TimeSpan.Zero ? attempt : TimeSpan.FromTicks(1);
    }
}
