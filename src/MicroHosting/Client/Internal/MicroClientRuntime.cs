using System.Collections.Concurrent;
using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>What every call shares, resolved once: options, codecs, the default selector, the cache, node health, the clock, the call pipeline and the attempt step.</summary>
internal sealed class MicroClientRuntime
{
    public MicroClientRuntime(
        IServiceProvider services,
        IOptions<MicroClientOptions> options,
        IOptions<MicroOptions> microOptions,
        MicroCodecRegistry codecs,
        RegistryCache cache,
        NodeHealth health,
        MicroMetrics metrics,
        TimeProvider timeProvider,
        Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
    {
        Options = options.Value;
        Codecs = codecs;
        Cache = cache;
        Health = health;
        Metrics = metrics;
        TimeProvider = timeProvider;
        FromService = microOptions.Value.Name;
        Selector = ResolveSelector(services, Options.Selector, "Micro:Client:Selector / MICRO_SELECTOR");
        _policies = Options.Services.ToDictionary(
            static p => p.Key,
            p => new ServicePolicy(p.Value, p.Value.Selector is { } name ? ResolveSelector(services, name, $"Micro:Client:Services:{p.Key}:Selector") : null),
            StringComparer.Ordinal);
        Json = codecs.TryGetCodec(MicroContentTypes.Json, out var json) ? json : new JsonMicroCodec();
        Protobuf = codecs.TryGetCodec(MicroContentTypes.Protobuf, out var protobuf) ? protobuf : new ProtobufMicroCodec();
        DefaultCodec = Options.ContentType is { } contentType ? Codec(contentType, "Micro:Client:ContentType") : null;
        CallPipeline = MicroHttpClientPipeline.CreateResilience(Options, health, timeProvider);
        Middleware = MicroClientCallContext.Compose(services.GetServices<IMicroClientMiddleware>().ToArray());
        Attempt = new MicroAttempt(this, Microsoft.Extensions.Logging.LoggerFactoryExtensions.CreateLogger<MicroAttempt>(loggerFactory));
    }

    private readonly Dictionary<string, ServicePolicy> _policies;
    private readonly ConcurrentDictionary<string, RetryBudget> _retryBudgets = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Endpoint), LatencyWindow> _latencies = new();

    /// <summary>Gets the Polly pipeline every call, unary or stream, runs through: its retries (a unary call's budget is the token its context runs with, <see cref="MicroCallDeadline"/>).</summary>
    public Polly.ResiliencePipeline<object> CallPipeline { get; }

    /// <summary>Gets the registered client middleware composed into one chain (first registered outermost), or <see langword="null"/> when there is none.</summary>
    public MicroClientCallDelegate? Middleware { get; }

    /// <summary>Gets the attempt step every call, unary or stream, runs each attempt through.</summary>
    public MicroAttempt Attempt { get; }

    public MicroClientOptions Options { get; }

    public MicroCodecRegistry Codecs { get; }

    public RegistryCache Cache { get; }

    public NodeHealth Health { get; }

    public MicroMetrics Metrics { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Gets this process's service name, sent as <c>Micro-From-Service</c>; <see langword="null"/> for a pure client.</summary>
    public string? FromService { get; }

    public IMicroNodeSelector Selector { get; }

    public MicroCodec Json { get; }

    public MicroCodec Protobuf { get; }

    /// <summary>Gets the codec <see cref="MicroClientOptions.ContentType"/> fixes, if any.</summary>
    public MicroCodec? DefaultCodec { get; }

    /// <summary>Gets the configured policy of a service (<c>Micro:Client:Services:&lt;name&gt;</c>), if any.</summary>
    public ServicePolicy? Policy(string service) => _policies.Count != 0 && _policies.TryGetValue(service, out var policy) ? policy : null;

    /// <summary>Gets the recent reply latencies of an endpoint that hedges after a percentile (only those are kept).</summary>
    public LatencyWindow Latencies(string service, string endpoint)
        => _latencies.GetOrAdd((service, endpoint), static _ => new LatencyWindow());

    /// <summary>Gets a service's retry budget, shared by every call to it.</summary>
    public RetryBudget RetryBudget(string service)
        => _retryBudgets.TryGetValue(service, out var budget) ? budget
            : _retryBudgets.GetOrAdd(service, static (_, options) => new RetryBudget(options.RetryBudgetRatio, options.MinRetriesPerSecond), Options);

    /// <summary>The codec of an attempt: the one the call fixed, else protobuf when the node takes it and both message types are protobuf messages, else JSON.</summary>
    public MicroCodec CodecFor(MicroCallPlan plan, NodeCandidate node)
        => plan.Codec ?? (plan.ProtobufTypes && node.AcceptsProtobuf ? Protobuf : Json);

    public MicroCodec Codec(string contentType, string setting)
        => Codecs.TryGetCodec(contentType, out var codec)
            ? codec
            : throw new InvalidOperationException(
                $"Content type '{contentType}' ({setting}) has no codec. Use one of: {string.Join(", ", Codecs.ContentTypes)}, or add a codec with AddMicro().AddCodec(...).");

    private static IMicroNodeSelector ResolveSelector(IServiceProvider services, string name, string setting)
    {
        var key = name.Trim().ToLowerInvariant() switch
        {
            // Go Micro's MICRO_SELECTOR names its registry-backed selector "cache" or "registry"; both pick at random.
            "cache" or "registry" or "default" => RandomNodeSelector.Name,
            "round_robin" or "round-robin" => RoundRobinNodeSelector.Name,
            "power-of-two" or "peak-ewma" or "least-loaded" => PeakEwmaNodeSelector.Name,
            var other => other,
        };
        return services.GetKeyedService<IMicroNodeSelector>(key)
            ?? throw new InvalidOperationException(
                $"Selector '{name}' ({setting}) is not available. Built in: p2c, random, roundrobin; add your own with services.AddKeyedSingleton<IMicroNodeSelector>(\"{key}\", ...).");
    }
}
