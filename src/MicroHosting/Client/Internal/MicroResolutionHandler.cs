using System.Globalization;
using System.Runtime.CompilerServices;
using MicroHosting.Diagnostics;
using Polly;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A unary call's attempt, run once per attempt inside the call's retry strategy: the attempt step
/// (<see cref="MicroAttempt"/>: node, codec, the attempt's own timeout, the outcome reported to node health), the body
/// encoded in the codec, the request shaped and the reply read by the node's <see cref="MicroWire"/>.
/// </summary>
internal sealed class MicroResolutionHandler(MicroClientRuntime runtime) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var outcome = await AttemptAsync(request, cancellationToken).ConfigureAwait(false);
        outcome.ThrowIfException();
        return (HttpResponseMessage)outcome.Result!;
    }

    /// <summary>
    /// The attempt, as the outcome the call pipeline's retry strategy reads: the node's reply, or the exception that ended
    /// the attempt (returned, never thrown). <see cref="MicroCallSetupHandler"/> gives it to Polly as the attempt callback
    /// itself, not through <see cref="SendAsync"/>: with the pooled builder that saved the Task state machine of every
    /// attempt, 256 B per call (unary benchmark, client B/call 4,064 -> 3,808 small JSON); returning the outcome saves
    /// the callback's own async step that awaited this method and wrapped its result (one state machine run and one
    /// continuation per attempt).
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    internal async ValueTask<Outcome<object>> AttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            var state = MicroCallState.Get(request)
                ?? throw new InvalidOperationException("A MicroHosting pipeline handler ran without its call state; add MicroHosting clients with AddMicroClient or IMicroClient only.");
            var step = runtime.Attempt;
            var node = await step.BeginAsync(state, cancellationToken).ConfigureAwait(false);
            var started = runtime.TimeProvider.GetTimestamp();
            using var activity = MicroTelemetry.StartAttempt(state.Service, state.Endpoint, node.Node, state.Attempts);
            HttpResponseMessage? response = null;
            TimeSpan? attemptTimeout = null;
            CancellationTokenSource? attemptSource = null;
            CancellationTokenSource? linked = null;
            try
            {
                Shape(request, state, node);
                MicroTelemetry.Inject(activity, request.Headers);

                // The attempt's own timeout, when it is shorter than what is left of the call's: a hung node then costs one
                // attempt, and a retry on another node has time left (MicroAttemptTimeout).
                attemptTimeout = step.TimeoutFor(state);
                if (attemptTimeout is { } timeout)
                {
                    attemptSource = new CancellationTokenSource(timeout, runtime.TimeProvider);
                    linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, attemptSource.Token);
                }

                var token = linked?.Token ?? cancellationToken;
                response = await base.SendAsync(request, token).ConfigureAwait(false);

                // Read the body here, inside the retry and the timeout: a reply cut off halfway is a failed attempt too.
                await response.Content.LoadIntoBufferAsync(token).ConfigureAwait(false);
            }
            catch (Exception ex) when (attemptSource is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested)
            {
                response?.Dispose();
                MicroTelemetry.Stop(activity, 408, ex);
                var error = new HttpRequestException(
                    $"no reply within the attempt timeout of {attemptTimeout!.Value.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s", ex);
                step.RecordTimeout(state, node, started, error);
                throw error;
            }
            catch (Exception ex) when (IsTransportFailure(ex, cancellationToken))
            {
                response?.Dispose();
                MicroTelemetry.Stop(activity, 0, ex);
                step.RecordTransportFailure(state, node, ex, MicroRetryPredicate.NeverSent(ex));
                throw ex as HttpRequestException ?? new HttpRequestException(ex.Message, ex);
            }
            catch (Exception ex)
            {
                MicroTelemetry.Stop(activity, 0, ex);
                if (!state.CallerToken.IsCancellationRequested && cancellationToken.IsCancellationRequested)
                {
                    step.RecordBudgetSpent(node, started);
                }

                throw;
            }
            finally
            {
                linked?.Dispose();
                attemptSource?.Dispose();
                MicroAttempt.End(state, node);
            }

            response = state.Wire!.Read(response, request);
            var status = (int)response.StatusCode;
            MicroTelemetry.Stop(activity, status, error: null);
            if (status >= 500)
            {
                step.RecordServerError(state, node, status, status == 503 ? MicroRetryPredicate.RetryAfter(response, runtime.TimeProvider) : null);
            }
            else
            {
                step.RecordReply(state, node, started);
            }

            return Outcome.FromResult<object>(response);
        }
        catch (Exception ex)
        {
            return Outcome.FromException<object>(ex);
        }
    }

    private static bool IsTransportFailure(Exception ex, CancellationToken cancellationToken)
        => !cancellationToken.IsCancellationRequested && ex is HttpRequestException or IOException or OperationCanceledException;

    /// <summary>
    /// The body in the attempt's codec (re-encoded only when the codec changes) with the wire's <c>Accept</c>, the wire's
    /// URI and headers, and what is left of the budget in the wire's form (<see cref="MicroWire.SetBudget"/>).
    /// </summary>
    private void Shape(HttpRequestMessage request, MicroCallState state, NodeCandidate node)
    {
        var headers = request.Headers;
        var wire = state.Wire!;
        if (state.Body is { } body)
        {
            var codec = wire.BodyCodec(runtime.Attempt.CodecFor(state, node));
            var codecChanged = !ReferenceEquals(codec, state.RequestCodec);
            if (codecChanged)
            {
                request.Content = body.GetContent(codec);
                state.RequestCodec = codec;
            }

            // Replaced on the first attempt (an Accept in the call's metadata does not choose the reply's codec), and when
            // a retry moves to a node of another wire or codec.
            var accept = wire.Accept(codec);
            if (codecChanged || !string.Equals(accept, state.Accept, StringComparison.Ordinal))
            {
                headers.Remove("Accept");
                if (accept is not null)
                {
                    headers.TryAddWithoutValidation("Accept", accept);
                }

                state.Accept = accept;
            }
        }

        if (state.ShapedBy is { } previous && !ReferenceEquals(previous, wire))
        {
            previous.RemoveHeaders(headers); // a retry on a node of another wire: nothing of the earlier protocol goes along
        }

        wire.Shape(request, state, node, runtime);
        state.ShapedBy = wire;
        wire.SetBudget(headers, TimeSpan.FromTicks(Math.Max(1, state.Plan.Deadline - runtime.TimeProvider.GetUtcNow().UtcTicks)));
    }
}
