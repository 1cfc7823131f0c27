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
        var left = state.HasDeadline ? TimeSpan.FromTicks(state.Deadline - timeProvider.GetUtcNow().UtcTicks) : Timeout.InfiniteTimeSpan;
        TimeSpan attempt;
        if (state.AttemptTimeout is { } configured)
        {
            attempt = configured;
        }
        else if (state.HasDeadline && state.Attempts <= state.Retries && state.IsIdempotent)
        {
            attempt = left / 2;
        }
        else
        {
            return null;
        }

        return left == Timeout.InfiniteTimeSpan || attempt < left ? (attempt > TimeSpan.Zero ? attempt : TimeSpan.FromTicks(1)) : null;
    }
}
