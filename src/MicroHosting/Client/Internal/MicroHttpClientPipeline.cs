using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The handlers of every MicroHosting HttpClient, outermost first: call setup (once per call), which runs the Polly v8
/// pipeline of <see cref="CreateResilience"/> (the call's timeout around retries with exponential backoff) around
/// resolution (once per attempt: node selection and ejection), then a SocketsHttpHandler without proxy, redirects or cookies,
/// which speaks HTTP/1.1, or cleartext HTTP/2 to a node that advertises an h2c port.
/// </summary>
internal static class MicroHttpClientPipeline
{
    /// <summary>How long opening a connection to a node may take before the attempt counts as failed and is retried elsewhere.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The socket handler of every MicroHosting connection, unary calls and stream upgrades alike: no proxy, redirects or
    /// cookies, a bounded connect, connections recycled.
    /// </summary>
    public static SocketsHttpHandler CreatePrimaryHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectTimeout = ConnectTimeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),

        // Past 100 concurrent calls to one h2c node (Kestrel's default stream limit), open another connection rather than queue.
        EnableMultipleHttp2Connections = true,
    };

    public static IHttpClientBuilder AddMicroPipeline(this IHttpClientBuilder builder, MicroClientProfile? profile)
    {
        var service = profile?.Service;
        builder.ConfigureHttpClient(http =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan; // the Polly timeout owns the budget
            if (service is not null && Uri.TryCreate($"http://{service}/", UriKind.Absolute, out var baseAddress))
            {
                http.BaseAddress = baseAddress;
            }
        });
        builder.ConfigurePrimaryHttpMessageHandler(static () => CreatePrimaryHandler());
        MicroHosting.Security.Internal.MicroClientTls.Configure(builder);
        // The factory's default loggers log every request at Information and open a scope per request (two more
        // handlers and their allocations per call); the client logs its own failures and retries instead.
        builder.RemoveAllLoggers();
        builder.AddHttpMessageHandler(sp => new MicroCallSetupHandler(sp.GetRequiredService<MicroClientRuntime>(), profile));
        builder.AddHttpMessageHandler(sp => new MicroResolutionHandler(sp.GetRequiredService<MicroClientRuntime>()));
        builder.AddHttpMessageHandler(sp => new MicroHosting.Security.Internal.MicroCredentialHandler(sp.GetRequiredService<MicroHosting.Security.Internal.MicroCredentials>()));
        return builder;
    }

    /// <summary>
    /// The one resilience pipeline of every call, unary or stream: a timeout for the whole call (the plan's budget; none
    /// for a stream, whose deadline covers its whole life, not only opening) around a retry with exponential backoff and
    /// jitter (<see cref="MicroRetryPredicate"/> decides, per call, and may ask for a node's <c>Retry-After</c>). Run
    /// directly by <see cref="MicroCallSetupHandler"/> and <see cref="MicroStreamCall{TRequest, TResponse}"/> rather than
    /// through Microsoft.Extensions.Http.Resilience's handler, which added a handler, pipeline telemetry and execution
    /// tracking (several allocations) to every call. Typed over <see cref="object"/> (a unary attempt's result is its
    /// <see cref="HttpResponseMessage"/>, a stream's a boxed <see cref="bool"/>) so unary calls run the strategies without
    /// Polly's non-generic bridge, which costs two async state machines per attempt.
    /// </summary>
    public static ResiliencePipeline<object> CreateResilience(MicroClientOptions options, NodeHealth health, TimeProvider timeProvider)
        => new ResiliencePipelineBuilder<object> { TimeProvider = timeProvider }
            .AddTimeout(new TimeoutStrategyOptions
            {
                Name = "MicroCallTimeout",
                TimeoutGenerator = static args => ValueTask.FromResult(
                    MicroCallState.Get(args.Context) is { Plan: { Stream: false } plan } ? plan.Budget : TimeSpan.Zero),
            })
            .AddRetry(new RetryStrategyOptions<object>
            {
                Name = "MicroRetry",
                MaxRetryAttempts = MicroClientOptionsValidator.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                ShouldHandle = new MicroRetryPredicate(health, timeProvider).ShouldRetry,
                DelayGenerator = MicroRetryPredicate.Delay,
            })
            .Build();
}
