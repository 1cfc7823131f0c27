using System.Collections.Concurrent;
using MicroHosting.Client.Internal;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Go Micro's http broker, point to point with no infrastructure: subscribers register in the registry in both of Go
/// Micro's forms (v1's <c>topic:&lt;topic&gt;</c>, v2.5+'s <c>micro.http.broker</c>) and receive <c>POST /_sub</c> (v1)
/// and <c>POST /?id=</c> (v2.5+) on this app's Kestrel port; publishers look them up in both forms and POST to each
/// subscriber on the path of its generation. Unlike
/// Go Micro's, publishing goes through a bounded queue per topic and each delivery is retried with backoff (on another
/// queue member when there is one) before it is logged and counted as failed.
/// </summary>
internal sealed partial class HttpBroker : IBroker, IAsyncDisposable, IDisposable
{
    public const string ClientName = "MicroHosting.Broker.Http";
    public const string SubscribePath = "/_sub";
    public const string ErrorId = "go.micro.broker";
    private readonly IServiceProvider _services;
    private readonly IHttpClientFactory _httpClientFactory;
    private readonly HttpBrokerOptions _options;
    private readonly IOptions<MicroOptions> _microOptions;
    private readonly TimeProvider _timeProvider;
    private readonly MicroMetrics _metrics;
    private readonly ILogger<HttpBroker> _logger;
    private readonly ConcurrentDictionary<string, HttpBrokerSubscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, HttpBrokerTopicQueue> _queues = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpBrokerDiscovery _discovery;
    private readonly ResiliencePipeline _retry;
    private int _disposed;

    public HttpBroker(
        IServiceProvider services,
        IHttpClientFactory httpClientFactory,
        IOptions<HttpBrokerOptions> options,
        IOptions<MicroOptions> microOptions,
        TimeProvider timeProvider,
        MicroMetrics metrics,
        ILogger<HttpBroker> logger,
        RegistryCache registryCache,
        HttpBrokerDrainService? drain = null)
    {
        _services = services;
        _httpClientFactory = httpClientFactory;
        _options = Validate(options.Value);
        _microOptions = microOptions;
        _timeProvider = timeProvider;
        _metrics = metrics;
        _logger = logger;
        // Injected, not resolved later: the container then disposes the cache after the broker, whose drain still looks nodes up.
        _discovery = new HttpBrokerDiscovery(registryCache, timeProvider, _options.DiscoveryCacheTtl);
        _retry = BuildRetryPipeline();
        drain?.Track(this);
    }

    public string Name => "http";

    private IRegistry Registry => _services.GetRequiredService<IRegistry>();

    public async ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        // HeaderItems, not Headers: no dictionary view of the message and no boxed enumerator per publish.
        var headers = new Dictionary<string, string>(message.HeaderItems.Length + 2, StringComparer.Ordinal);
        foreach (var (key, value) in message.HeaderItems)
        {
            headers[key] = value;
        }

        // Both generations' routing keys: v1 reads ":topic", v2.5+ "Micro-Topic" (which v1 also sends as a message header).
        headers[GoMicroEnvelope.V1TopicHeader] = topic;
        headers[GoMicroEnvelope.TopicHeader] = topic;
        var envelope = GoMicroEnvelope.Write(headers, message.Body.Span);
        if (_stopping.IsCancellationRequested)
        {
            throw new InvalidOperationException($"The http broker stopped: a message of {topic} published after the shutdown deadline is not sent.");
        }

        var done = _options.WaitForDelivery ? new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        while (true)
        {
            var queue = _queues.GetOrAdd(topic, CreateQueue);
            try
            {
                await queue.EnqueueAsync(envelope, done, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (System.Threading.Channels.ChannelClosedException)
            {
                // A drain took this queue meanwhile; the next one starts afresh.
                _queues.TryRemove(KeyValuePair.Create(topic, queue));
            }
        }

        _metrics.Published(Name, topic);
        if (done is not null)
        {
            try
            {
                await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (HttpBrokerDeliveryException ex)
            {
                throw new MicroException(ErrorId, ex.NoSubscribers ? 404 : 500, $"publishing to {topic} failed: {ex.Message}", innerException: ex);
            }
        }
    }

    public async ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        var node = DescribeNode(topic);
        var subscription = new HttpBrokerSubscription(this, topic, options?.Queue, handler, node);
        _subscriptions[subscription.NodeId] = subscription;
        try
        {
            await subscription.StartAsync(Registry, _options, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _subscriptions.TryRemove(subscription.NodeId, out _);
            throw;
        }

        return subscription;
    }

    /// <summary>Whether <paramref name="id"/> is the node id of a subscription here.</summary>
    public bool Owns(string id) => _subscriptions.ContainsKey(id);

    /// <summary>The subscriptions a <c>POST /_sub?id=</c> is for: the one with that node id, or every one of the topic without an id.</summary>
    public IReadOnlyList<HttpBrokerSubscription> Match(string topic, string? id)
    {
        if (!string.IsNullOrEmpty(id))
        {
            return _subscriptions.TryGetValue(id, out var one) && string.Equals(one.Topic, topic, StringComparison.Ordinal) ? [one] : [];
        }

        return [.. _subscriptions.Values.Where(s => string.Equals(s.Topic, topic, StringComparison.Ordinal))];
    }

    public void Remove(HttpBrokerSubscription subscription) => _subscriptions.TryRemove(subscription.NodeId, out _);

    public async Task DeregisterAsync(IRegistry registry, HttpBrokerSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var service in subscription.Services)
            {
                await registry.DeregisterAsync(service, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogDeregisterFailed(subscription.Topic, subscription.NodeId, ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var subscription in _subscriptions.Values)
        {
            await subscription.UnsubscribeAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // Without a host (or for messages published after its drain), DrainTimeout bounds the last drain.
        using (var timeout = new CancellationTokenSource(_options.DrainTimeout, _timeProvider))
        {
            await DrainAsync(timeout.Token).ConfigureAwait(false);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>
    /// Sends every queued and in-flight message, until <paramref name="cancellationToken"/> fires: then what is left is
    /// abandoned and logged per topic with its count. Called when the host stops, before the registry and the
    /// <see cref="HttpClient"/> the deliveries need are stopped or disposed. A later publish starts a new queue.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        var queues = new List<KeyValuePair<string, HttpBrokerTopicQueue>>();
        foreach (var entry in _queues)
        {
            if (_queues.TryRemove(entry))
            {
                queues.Add(entry);
            }
        }

        if (queues.Count == 0)
        {
            return;
        }

        var drained = Task.WhenAll(queues.Select(q => q.Value.CompleteAsync()));
        try
        {
            await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            foreach (var (topic, queue) in queues)
            {
                if (queue.Pending is var pending and > 0)
                {
                    LogDrainTimedOut(topic, pending);
                }
            }

            await _stopping.CancelAsync().ConfigureAwait(false);
            await drained.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>For containers disposed synchronously; <see cref="DisposeAsync"/> is the real path.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static HttpBrokerOptions Validate(HttpBrokerOptions options)
    {
        static void Require(bool ok, string message)
        {
            if (!ok)
            {
                throw new InvalidOperationException(message);
            }
        }

        Require(options.MaxQueuedMessagesPerTopic > 0, $"HttpBrokerOptions.MaxQueuedMessagesPerTopic must be positive, but is {options.MaxQueuedMessagesPerTopic}.");
        Require(options.MaxConcurrentDeliveriesPerTopic > 0, $"HttpBrokerOptions.MaxConcurrentDeliveriesPerTopic must be positive, but is {options.MaxConcurrentDeliveriesPerTopic}.");
        Require(options.MaxDeliveryAttempts > 0, $"HttpBrokerOptions.MaxDeliveryAttempts must be at least 1, but is {options.MaxDeliveryAttempts}.");
        Require(options.RetryDelay >= TimeSpan.Zero && options.MaxRetryDelay >= options.RetryDelay, $"HttpBrokerOptions.RetryDelay ({options.RetryDelay}) must not be negative nor above MaxRetryDelay ({options.MaxRetryDelay}).");
        Require(options.DeliveryTimeout > TimeSpan.Zero, $"HttpBrokerOptions.DeliveryTimeout must be positive, but is {options.DeliveryTimeout}.");
        Require(
            options.SubscriberRefreshInterval > TimeSpan.Zero && (options.SubscriberTtl == TimeSpan.Zero || options.SubscriberRefreshInterval < options.SubscriberTtl),
            $"HttpBrokerOptions.SubscriberRefreshInterval ({options.SubscriberRefreshInterval}) must be positive and shorter than SubscriberTtl ({options.SubscriberTtl}).");
        return options;
    }

    private HttpBrokerTopicQueue CreateQueue(string topic) => new(
        _options,
        (envelope, stopping) => DeliverAsync(topic, envelope, stopping),
        () =>
        {
            _metrics.Dropped(Name, topic, "queue_full");
            LogQueueFull(topic, _options.MaxQueuedMessagesPerTopic, _options.OverflowPolicy);
        },
        _stopping.Token);

    private MicroNode DescribeNode(string topic)
    {
        var addresses = _services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses is not null && _services.GetService<MicroListeners>() is { } listeners)
        {
            addresses = listeners.WithoutHttp2(addresses); // deliveries are HTTP/1.1 POSTs: never the HTTP/2-only port
        }

        if (addresses is null || addresses.Count == 0)
        {
            throw new InvalidOperationException(
                $"The http broker cannot subscribe to '{topic}': it receives messages on this app's Kestrel port, and the app is not listening yet. " +
                "Subscribe with AddMicroSubscriber/MapMicroSubscriber (they start once the app listens), or use the nats or memory broker.");
        }

        var address = AdvertiseAddress.Resolve(_microOptions.Value, addresses);
        var secure = addresses.All(a => a.StartsWith("https:", StringComparison.OrdinalIgnoreCase));
        return new MicroNode
        {
            Id = topic + "-" + Guid.NewGuid(), // Go Micro v2.5+'s form; v1 accepts any id
            Address = address.Host,
            Port = address.Port,
            Metadata = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["secure"] = secure ? "true" : "false",
                ["broker"] = "http",
                ["topic"] = topic,
            },
        };
    }
}
