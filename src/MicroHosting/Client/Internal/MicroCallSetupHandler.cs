using System.Diagnostics;
using System.Globalization;
using MicroHosting.Diagnostics;
using MicroHosting.Internal;
using Polly;
using Polly.Timeout;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The outermost handler of a MicroHosting HttpClient, run once per call: resolves the call's options (call, then typed
/// client, then <see cref="MicroClientOptions"/>), caps the budget at the calling handler's remaining deadline, adds the
/// request id and the metadata to propagate, then runs the rest of the pipeline inside the call's Polly pipeline
/// (<see cref="MicroClientRuntime.CallPipeline"/>: timeout around retries).
/// </summary>
internal sealed class MicroCallSetupHandler(MicroClientRuntime runtime, string? service, MicroCallOptions? clientOptions) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var state = MicroCallState.Get(request) ?? CreateRawState(request);
        Prepare(runtime, clientOptions, state, request);
        state.CallerToken = cancellationToken;
        var started = Stopwatch.GetTimestamp();
        using var activity = MicroTelemetry.StartCall(state.Service, state.Endpoint);
        HttpResponseMessage? response = null;
        Exception? error = null;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(MicroCallState.ResilienceKey, state);
        try
        {
            var outcome = await runtime.CallPipeline.ExecuteOutcomeAsync(
                static async (context, args) =>
                {
                    try
                    {
                        return Outcome.FromResult(await args.Handler.SendAttemptAsync(args.Request, context.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
            outcome.ThrowIfException();
            response = outcome.Result!;
            return response;
        }
        catch (Exception ex)
        {
            error = ex;
            throw;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
            var status = response is not null ? (int)response.StatusCode : StatusOf(error);
            MicroTelemetry.Stop(activity, status, error);
            if (activity is not null)
            {
                activity.SetTag("micro.attempts", state.Attempts);
            }

            var errorType = error?.GetType().FullName ?? (status >= 500 ? status.ToString(CultureInfo.InvariantCulture) : null);
            runtime.Metrics.ClientCall(state.Service, state.Endpoint ?? string.Empty, status, errorType, Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>One attempt: the rest of the pipeline (resolution, then the socket handler).</summary>
    private Task<HttpResponseMessage> SendAttemptAsync(HttpRequestMessage request, CancellationToken cancellationToken) => base.SendAsync(request, cancellationToken);

    /// <summary>The status a failed call reports: 408 for its deadline, the error's code, 0 when no node replied.</summary>
    private static int StatusOf(Exception? error) => error switch
    {
        TimeoutRejectedException => 408,
        MicroException micro => micro.Code,
        OperationCanceledException => 499,
        _ => 0,
    };

    /// <summary>A request sent through a typed client's own <see cref="HttpClient"/>: the path <c>/Type/Method</c> names the endpoint.</summary>
    private MicroCallState CreateRawState(HttpRequestMessage request)
    {
        var uri = request.RequestUri ?? throw new InvalidOperationException("The request has no URI: use a path such as /Greeter/Hello.");
        var name = service ?? uri.Host;
        var endpoint = MicroEndpointName.TryFromPath(uri.AbsolutePath, out var parsed) ? parsed.Name : null;
        var state = new MicroCallState(name, endpoint, body: null, protobufTypes: false, options: null) { PathAndQuery = uri.PathAndQuery };
        request.Options.Set(MicroCallState.Key, state);
        return state;
    }

    /// <summary>Resolves the call's options onto <paramref name="state"/> and adds its headers to <paramref name="request"/> (also used by streams).</summary>
    internal static void Prepare(MicroClientRuntime runtime, MicroCallOptions? clientOptions, MicroCallState state, HttpRequestMessage request)
    {
        if (state.Prepared)
        {
            return;
        }

        state.Prepared = true;
        var call = state.Options;
        var defaults = runtime.Options;
        var service = runtime.Policy(state.Service);
        var endpoint = service?.Endpoint(state.Endpoint);
        state.Retries = call?.Retries ?? clientOptions?.Retries ?? endpoint?.Retries ?? service?.Options.Retries ?? defaults.Retries;
        if (state.Retries is < 0 or > MicroClientOptionsValidator.MaxRetries)
        {
            throw new ArgumentOutOfRangeException(
                nameof(MicroCallOptions.Retries), state.Retries, $"MicroCallOptions.Retries must be between 0 and {MicroClientOptionsValidator.MaxRetries}.");
        }

        state.Idempotent = call?.Idempotent ?? clientOptions?.Idempotent ?? endpoint?.Idempotent ?? service?.Options.Idempotent;
        state.AttemptTimeout = call?.AttemptTimeout ?? clientOptions?.AttemptTimeout ?? endpoint?.AttemptTimeout ?? service?.Options.AttemptTimeout ?? defaults.AttemptTimeout;
        state.RetryBudget = runtime.RetryBudget(state.Service);
        state.RetryBudget.Deposit(runtime.TimeProvider.GetUtcNow().UtcTicks);
        state.Filter = call?.Filter ?? clientOptions?.Filter;
        state.Selector = call?.Selector ?? clientOptions?.Selector ?? service?.Selector ?? runtime.Selector;
        state.Address = call?.Address ?? clientOptions?.Address;
        if (call?.ContentType is { } callType)
        {
            state.Codec = runtime.Codec(callType, "MicroCallOptions.ContentType");
        }
        else if (clientOptions?.ContentType is { } clientType)
        {
            state.Codec = runtime.Codec(clientType, "the typed client's MicroCallOptions.ContentType");
        }
        else
        {
            state.Codec = runtime.DefaultCodec;
        }

        // A stream has no deadline unless the call or the typed client sets one (RequestTimeout is for request/reply).
        var budget = call?.Timeout ?? clientOptions?.Timeout ?? endpoint?.Timeout ?? service?.Options.Timeout ?? (state.Stream ? null : defaults.RequestTimeout);
        var context = MicroContext.Current;
        if (context?.RemainingTime is { } left && (budget is null || left < budget))
        {
            // Never wait longer than the caller of the handler this call runs in.
            budget = left;
            state.BudgetFromCaller = true;
        }

        if (budget is not { } due)
        {
            state.Budget = Timeout.InfiniteTimeSpan;
            state.Deadline = long.MaxValue;
        }
        else if (due <= TimeSpan.Zero)
        {
            throw MicroException.Timeout(MicroClientErrors.Id, state.BudgetFromCaller
                ? $"call to {state.Service} {state.Endpoint} not made: the calling handler's deadline has passed"
                : $"call to {state.Service} {state.Endpoint} not made: the timeout {due} is not positive");
        }
        else
        {
            state.Budget = due;
            state.Deadline = runtime.TimeProvider.GetUtcNow().UtcTicks + due.Ticks;
        }

        // Only the Micro-* names here: a MicroHosting node reads either, and the X-Micro-* copies a Go Micro node
        // gets are added per attempt (MicroResolutionHandler), so a native call carries two headers fewer.
        var headers = request.Headers;
        if (!headers.Contains(MicroHeaders.Id))
        {
            headers.TryAddWithoutValidation(MicroHeaders.Id, Guid.NewGuid().ToString());
        }

        // The metadata of the call or message being handled travels on (MetadataPropagation decides which).
        MetadataPropagation.For(defaults).Propagate(headers, static (headers, key, value) =>
        {
            if (!headers.Contains(key))
            {
                headers.TryAddWithoutValidation(key, value);
            }
        });

        if (runtime.FromService is { } from)
        {
            headers.Remove(MicroHeaders.FromService);
            headers.Remove(MicroHeaders.XFromService);
            headers.TryAddWithoutValidation(MicroHeaders.FromService, from);
        }

        AddMetadata(headers, clientOptions?.Metadata);
        AddMetadata(headers, call?.Metadata);
    }

    private static void AddMetadata(System.Net.Http.Headers.HttpRequestHeaders headers, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var (key, value) in metadata)
        {
            if (!IsToken(key) || value.AsSpan().ContainsAny('\r', '\n'))
            {
                throw new ArgumentException(
                    string.Format(CultureInfo.InvariantCulture, "Metadata '{0}' cannot travel as a header: keys are letters, digits and '-', values one line.", key),
                    nameof(MicroCallOptions.Metadata));
            }

            headers.Remove(key);
            headers.TryAddWithoutValidation(key, value);
        }
    }

    private static bool IsToken(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }
}
