using System.Diagnostics;
using System.Globalization;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;
using Polly;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The outermost handler of a MicroHosting HttpClient, run once per call. A call made through <see cref="MicroCaller"/>
/// arrives with its state (and plan) on its <see cref="MicroCallRequest"/>; a raw request sent through a typed client's
/// own HttpClient gets its plan here, from the path <c>/Type/Method</c> and the typed client's profile. The call's headers
/// go on (<see cref="MicroCallHeaders"/>), then the rest of the pipeline runs inside the call pipeline
/// (<see cref="MicroClientRuntime.CallPipeline"/>: retries), once per attempt, under the call's budget
/// (<see cref="MicroCallDeadline"/>).
/// </summary>
internal sealed class MicroCallSetupHandler(MicroClientRuntime runtime, MicroClientProfile? profile) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = MicroCallState.Get(request) ?? CreateRawState(request);
        var call = Begin(state, request, cancellationToken);
        if (runtime.Middleware is not { } middleware)
        {
            Outcome<object> outcome;
            try
            {
                outcome = await ExecuteAsync(request, call.Context).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                outcome = Outcome.FromException<object>(ex);
            }

            return Complete(state, call, outcome);
        }

        HttpResponseMessage? response = null;
        Exception? error = null;
        try
        {
            response = await WithMiddlewareAsync(middleware, state, request, call).ConfigureAwait(false);
            return response;
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            End(state, call, response, error);
        }
    }

    /// <summary>Gets whether <see cref="MicroCaller"/> may run a call's setup itself (<see cref="Begin"/>, <see cref="ExecuteAsync"/>, <see cref="End"/>): no client middleware to run around it.</summary>
    internal bool RunsDirectly => runtime.Middleware is null;

    /// <summary>
    /// Starts a call: its headers, the caller's token, the call's span and clock, its budget, and the Polly context its
    /// attempts run with (on the budget's token).
    /// </summary>
    internal CallScope Begin(MicroCallState state, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        MicroCallHeaders.Apply(runtime, state.Plan, request.Headers);
        state.CallerToken = cancellationToken;
        var started = Stopwatch.GetTimestamp();
        var activity = MicroTelemetry.StartCall(state.Service, state.Endpoint);
        var deadline = MicroCallDeadline.Start(state.Plan, cancellationToken, runtime.TimeProvider);
        var context = ResilienceContextPool.Shared.Get(deadline.Token);
        context.SetCallRequest(request);
        return new CallScope(started, activity, context, deadline);
    }

    /// <summary>Ends a call begun by <see cref="Begin"/>: returns its Polly context and budget, ends its span and records its duration.</summary>
    internal void End(MicroCallState state, CallScope call, HttpResponseMessage? response, Exception? error)
    {
        ResilienceContextPool.Shared.Return(call.Context);
        call.Deadline.End();
        var activity = call.Activity;
        var status = response is not null ? (int)response.StatusCode : StatusOf(error);
        activity?.SetTag("micro.attempts", state.Attempts); // before Stop: exporters read the tags when the span ends
        MicroTelemetry.Stop(activity, status, error);

        var errorType = error?.GetType().FullName ?? (status >= 500 ? status.ToString(CultureInfo.InvariantCulture) : null);
        runtime.Metrics.ClientCall(state.Service, state.Endpoint ?? string.Empty, status, errorType, call.Started);
    }

    /// <summary>Ends a call begun by <see cref="Begin"/> with the outcome of <see cref="ExecuteAsync"/>: its response, or its error thrown.</summary>
    internal HttpResponseMessage Complete(MicroCallState state, CallScope call, Outcome<object> outcome)
    {
        outcome = call.Deadline.Settle(outcome);
        End(state, call, outcome.Result as HttpResponseMessage, outcome.Exception);
        outcome.ThrowIfException();
        return (HttpResponseMessage)outcome.Result!;
    }

    /// <summary>The call's attempts, run by the call pipeline (retries) on the budget's token; <see cref="MicroCallDeadline.Settle"/> reads its outcome.</summary>
    internal ValueTask<Outcome<object>> ExecuteAsync(HttpRequestMessage request, ResilienceContext context)
        => InnerHandler is MicroResolutionHandler resolution
            ? runtime.CallPipeline.ExecuteOutcomeAsync(
                static (context, args) => args.Resolution.AttemptAsync(args.Request, context.CancellationToken),
                context,
                (Resolution: resolution, Request: request))
            : runtime.CallPipeline.ExecuteOutcomeAsync(
                // Another handler between this one and resolution (never in the pipeline AddMicroPipeline builds).
                static async (context, args) =>
                {
                    try
                    {
                        return Outcome.FromResult<object>(await args.Handler.SendInnerAsync(args.Request, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<object>(ex);
                    }
                },
                context,
                (Handler: this, Request: request));

    /// <summary>The call's attempts inside the client middleware chain (<see cref="IMicroClientMiddleware"/>).</summary>
    private async Task<HttpResponseMessage> WithMiddlewareAsync(MicroClientCallDelegate middleware, MicroCallState state, HttpRequestMessage request, CallScope scope)
    {
        var call = new MicroClientCallContext(state, request.Headers)
        {
            Terminal = async call =>
            {
                var outcome = scope.Deadline.Settle(await ExecuteAsync(request, scope.Context).ConfigureAwait(false));
                outcome.ThrowIfException();
                call.Response = (HttpResponseMessage)outcome.Result!;
            },
        };
        await middleware(call).ConfigureAwait(false);
        return call.Response ?? throw call.NotCalled();
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => base.SendAsync(request, cancellationToken);

    private static int StatusOf(Exception? error) => MicroClientCallContext.StatusOf(error);

    /// <summary>A request sent through a typed client's own <see cref="HttpClient"/>: the path <c>/Type/Method</c> names the endpoint.</summary>
    private MicroCallState CreateRawState(HttpRequestMessage request)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI: use a path such as /Greeter/Hello.");
        var name = profile?.Service ?? uri.Host;
        var endpoint = MicroEndpointName.TryFromPath(uri.AbsolutePath, out var parsed) ? parsed.Name : null;
        var plan = MicroCallPlan.Create(runtime, name, endpoint, call: null, profile, stream: false, protobufTypes: false);
        var state = new MicroCallState(plan) { PathAndQuery = uri.PathAndQuery };
        state.AttachTo(request);
        return state;
    }

    /// <summary>A call between <see cref="Begin"/> and <see cref="End"/>.</summary>
    internal readonly record struct CallScope(long Started, Activity? Activity, ResilienceContext Context, MicroCallDeadline Deadline);
}
