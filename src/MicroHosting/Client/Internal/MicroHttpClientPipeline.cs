using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The handlers of every MicroHosting HttpClient, outermost first: call setup (once per call), Polly v8 through
/// Microsoft.Extensions.Http.Resilience (the call's timeout around retries with exponential backoff), resolution (once per
/// attempt: node selection and ejection), then a SocketsHttpHandler without proxy, redirects or cookies.
/// </summary>
internal static class MicroHttpClientPipeline
{
    /// <summary>How long opening a connection to a node may take before the attempt counts as failed and is retried elsewhere.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    public static IHttpClientBuilder AddMicroPipeline(this IHttpClientBuilder builder, string? service, MicroCallOptions? clientOptions)
    {
        builder.ConfigureHttpClient(http =>
        {
            http.Timeout = Timeout.InfiniteTimeSpan; // the Polly timeout owns the budget
            if (service is not null && Uri.TryCreate($"http://{service}/", UriKind.Absolute, out var baseAddress))
            {
                http.BaseAddress = baseAddress;
            }
        });
        builder.ConfigurePrimaryHttpMessageHandler(static () => new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        });
        // The factory's default loggers log every request at Information and open a scope per request (two more
        // handlers and their allocations per call); the client logs its own failures and retries instead.
        builder.RemoveAllLoggers();
        builder.AddHttpMessageHandler(sp => new MicroCallSetupHandler(sp.GetRequiredService<MicroClientRuntime>(), service, clientOptions));
        builder.AddResilienceHandler("micro", static (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<MicroClientOptions>>().Value;
            pipeline
                .AddTimeout(new HttpTimeoutStrategyOptions
                {
                    Name = "MicroCallTimeout",
                    TimeoutGenerator = static args => ValueTask.FromResult(MicroCallState.Get(args.Context.GetRequestMessage())?.Budget ?? TimeSpan.Zero),
                })
                .AddRetry(new HttpRetryStrategyOptions
                {
                    Name = "MicroRetry",
                    MaxRetryAttempts = MicroClientOptionsValidator.MaxRetries,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = false,
                    Delay = options.RetryDelay,
                    ShouldHandle = MicroRetryPredicate.ShouldRetry,
                });
        });
        builder.AddHttpMessageHandler(sp => new MicroResolutionHandler(sp.GetRequiredService<MicroClientRuntime>(), sp.GetRequiredService<ILogger<MicroResolutionHandler>>()));
        return builder;
    }
}
