using Microsoft.Extensions.DependencyInjection;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The handlers of every MicroHosting HttpClient, outermost first: call setup (once per call), which runs the Polly v8
/// pipeline of <see cref="CreateResilience"/> (retries with exponential backoff) under the call's budget
/// (<see cref="MicroCallDeadline"/>) around
/// resolution (once per attempt: node selection and ejection), then a SocketsHttpHandler without proxy, redirects or cookies,
/// which speaks HTTP/1.1, or cleartext HTTP/2 to a node that advertises an h2c port.
/// </summary>
internal static class MicroHttpClientPipeline
{
    /// <summary>How long opening a connection to a node may take before the attempt counts as failed and is retried elsewhere.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private static readonly ResiliencePropertyKey<HttpRequestMessage> CallRequestKey = new("MicroHosting.CallRequest");

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

    /// <summary>
    /// Points the Polly context a call's pipeline runs with at the call's request, the one carrier of its
    /// <see cref="MicroCallState"/> (as Microsoft.Extensions.Http.Resilience keeps the request message on its context).
    /// </summary>
    public static void SetCallRequest(this ResilienceContext context, HttpRequestMessage request) => context.Properties.Set(CallRequestKey, request);

    /// <summary>Gets the request of the call a Polly context runs (<see cref="SetCallRequest"/>); the strategies read the call's state from it.</summary>
    public static HttpRequestMessage? GetCallRequest(this ResilienceContext context)
        => context.Properties.TryGetValue(CallRequestKey, out var request) ? request : null;

    public static IHttpClientBuilder AddMicroPipeline(this IHttpClientBuilder builder, MicroClientProfile? profile)
    {
        var service = profile?.Service;
        builder.ConfigureHttpClient(http =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan; // the call's budget (MicroCallDeadline) is its timeout
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
    /// The one resilience pipeline of every call, unary or stream: a retry with exponential backoff and jitter
    /// (<see cref="MicroRetryPredicate"/> decides, per call, and may ask for a node's <c>Retry-After</c>). A unary call's
    /// whole budget is the token its Polly context runs with (<see cref="MicroCallDeadline"/>: it ends an attempt or a
    /// retry delay at the deadline, and the call fails with Polly's <see cref="TimeoutRejectedException"/>, as it did when
    /// a timeout strategy ran around the retry; that strategy's async step per call is saved); a stream's deadline covers
    /// its whole life, not only opening, and is its own. Run
    /// directly by <see cref="MicroCallSetupHandler"/> and <see cref="MicroStreamCall{TRequest, TResponse}"/> rather than
    /// through Microsoft.Extensions.Http.Resilience's handler, which added a handler, pipeline telemetry and execution
    /// tracking (several allocations) to every call. Typed over <see cref="object"/> (a unary attempt's result is its
    /// <see cref="HttpResponseMessage"/>, a stream's a boxed <see cref="bool"/>) so unary calls run the strategies without
    /// Polly's non-generic bridge, which costs two async state machines per attempt.
    /// </summary>
    public static ResiliencePipeline<object> CreateResilience(MicroClientOptions options, NodeHealth health, TimeProvider timeProvider)
        => new ResiliencePipelineBuilder<object> { TimeProvider = timeProvider }
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
