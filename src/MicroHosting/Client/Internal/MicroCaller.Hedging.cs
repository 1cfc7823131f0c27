namespace MicroHosting.Client.Internal;

/// <summary>
/// Hedging (opt-in per service or endpoint, <c>HedgeDelay</c>): when the first attempt of an idempotent call has not
/// answered after the delay, a second call goes to another node with what is left of the budget; the first good reply
/// wins and the other call is cancelled. Each hedge is a call of its own (its own state and request), and takes one
/// retry from the service's retry budget, so hedging cannot add more load than retries may.
/// </summary>
internal sealed partial class MicroCaller
{
    private static TimeSpan? HedgeDelay(MicroCallState state) => state.Plan.HedgeDelay;

    private async Task<TResponse> HedgedValueAsync<TRequest, TResponse>(
        HttpMessageInvoker http, MicroCallState state, TRequest request, TimeSpan delay, CancellationToken cancellationToken)
        => (await HedgedAsync<TRequest, TResponse>(http, state, request, delay, cancellationToken).ConfigureAwait(false)).Value;

    private async Task<(TResponse Value, MicroCallState State)> HedgedAsync<TRequest, TResponse>(
        HttpMessageInvoker http, MicroCallState state, TRequest request, TimeSpan delay, CancellationToken cancellationToken)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var first = InvokeAsync<TResponse>(http, state, both.Token);
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(both.Token))
        {
            var timer = Task.Delay(delay, runtime.TimeProvider, wait.Token);
            if (await Task.WhenAny(first, timer).ConfigureAwait(false) == first)
            {
                await wait.CancelAsync().ConfigureAwait(false);
                return (await first.ConfigureAwait(false), state);
            }
        }

        var now = runtime.TimeProvider.GetUtcNow().UtcTicks;
        var plan = state.Plan;
        if (state.Node is not { } tried || !state.IsIdempotent || (plan.HasDeadline && plan.Deadline <= now)
            || !plan.RetryBudget.TryWithdraw(now))
        {
            return (await first.ConfigureAwait(false), state);
        }

        var options = plan.Options;
        var hedgeOptions = new MicroCallOptions
        {
            ContentType = options?.ContentType,
            Timeout = plan.HasDeadline ? TimeSpan.FromTicks(plan.Deadline - now) : options?.Timeout,
            AttemptTimeout = options?.AttemptTimeout,
            Retries = 0,
            Idempotent = options?.Idempotent,
            Filter = options?.Filter,
            Selector = options?.Selector,
            Metadata = options?.Metadata,
        };
        var hedgeState = CreateState<TRequest, TResponse>(plan.Profile, state.Service, state.Endpoint!, request, hedgeOptions);
        hedgeState.Tried(tried.State); // elsewhere, when there is another node
        runtime.Metrics.Retried(state.Service, state.Endpoint);
        var second = InvokeAsync<TResponse>(http, hedgeState, both.Token);

        var done = await Task.WhenAny(first, second).ConfigureAwait(false);
        var other = done == first ? second : first;
        if (!done.IsCompletedSuccessfully)
        {
            // The first to finish failed: the other may still succeed; if it fails too, the first call's error is the one reported.
            try
            {
                return (await other.ConfigureAwait(false), other == first ? state : hedgeState);
            }
            catch (Exception) when (other == second)
            {
                return (await first.ConfigureAwait(false), state);
            }
        }

        await both.CancelAsync().ConfigureAwait(false);
        _ = other.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return (await done.ConfigureAwait(false), done == first ? state : hedgeState);
    }
}
