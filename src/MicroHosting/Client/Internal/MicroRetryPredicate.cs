using MicroHosting.Internal;
using Polly;
using Polly.Retry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Which outcomes the retry strategy retries: transport failures, 408, and the 5xx statuses that mean "try elsewhere"
/// (500, 502, 503, 504). Never a 4xx, never after the call's own retry budget, never once the call is cancelled. A Go
/// Micro error is retried only for codes 408 and 500, as a Go client does.
/// </summary>
internal static class MicroRetryPredicate
{
    public static ValueTask<bool> ShouldRetry(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var state = MicroCallState.Get(args.Context);
        if (state is null || args.AttemptNumber >= state.Retries || args.Context.CancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }

        var outcome = args.Outcome;
        return ValueTask.FromResult(outcome.Exception is { } exception
            ? exception is HttpRequestException
            : outcome.Result is { } response && IsRetryable(response));
    }

    internal static bool IsRetryable(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is not (408 or 500 or 502 or 503 or 504))
        {
            return false;
        }

        if (response.Headers.TryGetValues(MicroHeaders.Error, out var values))
        {
            var code = MicroException.Parse(string.Join(",", values)).Code;
            return code is 408 or 500;
        }

        return true;
    }
}
