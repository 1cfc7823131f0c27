using System.Net;
using System.Net.Sockets;
using MicroHosting.Internal;
using Polly;
using Polly.Retry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The retry rule: an attempt is retried when its request provably did not reach a handler (the connection was refused
/// or could not be made, or the node answered 503: unavailable, not processed), or when the endpoint is idempotent and
/// the failure may have come after the handler ran (500, 502, 504, 408, an attempt timeout, a connection lost
/// mid-call). A non-idempotent handler never runs twice because it failed. Never a 4xx, never past the call's retries or
/// once the call is cancelled, and never when the service's retry budget is spent. A Go Micro error is judged by its code.
/// </summary>
internal sealed class MicroRetryPredicate(NodeHealth health, TimeProvider timeProvider)
{
    /// <summary>
    /// Decides whether the attempt that just ended is retried, for unary calls and streams alike. A unary attempt's
    /// outcome is its response or the <see cref="HttpRequestException"/> the attempt step threw; a stream's is a
    /// <see cref="StreamAttemptFailedException"/>. Either way what the attempt step recorded on the call's state (no
    /// reply, or the status; whether the request provably never reached a handler) is judged by <see cref="Retryable"/>.
    /// </summary>
    public ValueTask<bool> ShouldRetry(RetryPredicateArguments<object> args)
    {
        if (args.Outcome.Result is HttpResponseMessage { StatusCode: < HttpStatusCode.BadRequest } reply && !reply.Headers.NonValidated.Contains(MicroHeaders.Error))
        {
            // A reply that is no error is final whatever the call's state says; most attempts end here, without looking the
            // state up on the Polly context: 0.056 -> 0.009 µs per call (perf profile of the load generator, unary
            // benchmark, small JSON over HTTP/1.1, c=64).
            return ValueTask.FromResult(false);
        }

        var state = MicroCallState.Get(args.Context.GetCallRequest());
        if (state is null || args.AttemptNumber >= state.Plan.Retries || args.Context.CancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromResult(false);
        }

        state.RetryAfter = null;
        var outcome = args.Outcome;
        bool retry;
        if (outcome.Exception is HttpRequestException or StreamAttemptFailedException)
        {
            retry = Retryable(state.FailedStatus, state.NotSent, state.IsIdempotent);
        }
        else if (outcome.Result is HttpResponseMessage response && IsRetryable(response, state.IsIdempotent))
        {
            retry = RetryAfter(response, timeProvider) is not { } pause || WaitFor(state, pause);
        }
        else
        {
            retry = false;
        }

        return ValueTask.FromResult(retry && state.Plan.RetryBudget.TryWithdraw(timeProvider.GetUtcNow().UtcTicks));
    }

    /// <summary>The delay before the next attempt: a <c>Retry-After</c> the retry must wait for, else Polly's backoff.</summary>
    public static ValueTask<TimeSpan?> Delay(RetryDelayGeneratorArguments<object> args)
        => ValueTask.FromResult(MicroCallState.Get(args.Context.GetCallRequest())?.RetryAfter);

    /// <summary>
    /// The retry rule for a failed attempt: with no reply (<paramref name="status"/> 0), retry when the request never
    /// reached a handler or the endpoint is idempotent; with a status, as <see cref="IsRetryable(int, bool)"/> says, where
    /// a request refused before its handler ran (a stream upgrade refused) counts as idempotent.
    /// </summary>
    internal static bool Retryable(int status, bool notSent, bool idempotent)
        => status == 0 ? notSent || idempotent : IsRetryable(status, notSent || idempotent);

    /// <summary>Whether a status may be retried: 503 always, 408/500/502/504 for an idempotent endpoint.</summary>
    internal static bool IsRetryable(int status, bool idempotent) => status == 503 || (idempotent && status is 408 or 500 or 502 or 504);

    /// <summary>Whether a response status may be retried: 503 always, 408/500/502/504 for an idempotent endpoint.</summary>
    internal static bool IsRetryable(HttpResponseMessage response, bool idempotent)
    {
        var status = (int)response.StatusCode;
        if (response.Headers.TryGetValues(MicroHeaders.Error, out var values))
        {
            // A Go Micro node's error, or a MicroHosting error normalised: its code is what the handler meant.
            var code = MicroException.Parse(string.Join(",", values)).Code;
            status = code is >= 400 and <= 599 ? code : status;
        }

        return IsRetryable(status, idempotent);
    }

    /// <summary>Whether a transport failure proves the request never reached a handler: no connection was made, or an HTTP/2 server refused the stream.</summary>
    internal static bool NeverSent(Exception ex)
    {
        if (ex is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError })
        {
            return true;
        }

        for (var inner = ex; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound })
            {
                return true;
            }

            // HTTP/2 REFUSED_STREAM (0x7) and HTTP_1_1_REQUIRED (0xd): the server refused the stream before processing it (RFC 9113 8.7).
            if (inner is HttpProtocolException { ErrorCode: 0x7 or 0xd })
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Reads <c>Retry-After</c> (seconds or an HTTP date), if the response has one in the future.</summary>
    internal static TimeSpan? RetryAfter(HttpResponseMessage response, TimeProvider timeProvider)
    {
        var header = response.Headers.RetryAfter;
        var pause = header?.Delta ?? (header?.Date is { } date ? date - timeProvider.GetUtcNow() : null);
        return pause > TimeSpan.Zero ? pause : null;
    }

    /// <summary>
    /// A node asked to be left alone for <paramref name="pause"/> (it is skipped meanwhile): retry at once when another
    /// node is available, else wait for it when the budget allows, else give up now rather than wait in vain.
    /// </summary>
    private bool WaitFor(MicroCallState state, TimeSpan pause)
    {
        if (state.Peers is { } peers)
        {
            foreach (var peer in peers)
            {
                if (!state.HasTried(peer.State) && !health.IsEjected(peer.State))
                {
                    return true;
                }
            }
        }

        if (state.Plan.HasDeadline && timeProvider.GetUtcNow().UtcTicks + pause.Ticks >= state.Plan.Deadline)
        {
            return false;
        }

        state.RetryAfter = pause;
        return true;
    }
}
