using System.Collections.Concurrent;
using MicroHosting.Registry;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// The publisher's view of a topic's subscribers, in both of Go Micro's registration forms: v1's <c>topic:&lt;topic&gt;</c>
/// services (received on <c>/_sub</c>) and v2.5+'s <c>micro.http.broker</c> nodes tagged <c>broker=http</c>,
/// <c>topic=&lt;topic&gt;</c> (received on <c>/</c>). A node registered in both forms (every MicroHosting subscriber) counts
/// once, on <c>/_sub</c>. Cached for <see cref="HttpBrokerOptions.DiscoveryCacheTtl"/>, dropped early when the registry reports a change or
/// a delivery fails. Empty answers are never cached, so a subscriber that just registered is found on the next publish.
/// </summary>
internal sealed class HttpBrokerDiscovery(IRegistry registry, TimeProvider timeProvider, TimeSpan cacheTtl) : IAsyncDisposable
{
    /// <summary>Go Micro v1's service name prefix: one service per topic.</summary>
    public const string ServicePrefix = "topic:";

    /// <summary>Go Micro v2.5+'s one service for every http broker subscription.</summary>
    public const string ServiceName = "micro.http.broker";

    /// <summary>Where a v1 subscriber receives.</summary>
    public const string V1Path = "/_sub";

    /// <summary>Where a v2.5+ subscriber receives.</summary>
    public const string V2Path = "/";

    private readonly ConcurrentDictionary<string, (IReadOnlyList<HttpBrokerTarget> Targets, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _watching;
    private Task? _watch;

    public async ValueTask<IReadOnlyList<HttpBrokerTarget>> GetAsync(string topic, bool fresh, CancellationToken cancellationToken)
    {
        EnsureWatching();
        var now = timeProvider.GetUtcNow();
        if (!fresh && _cache.TryGetValue(topic, out var cached) && cached.Expires > now)
        {
            return cached.Targets;
        }

        var shared = registry.GetServiceAsync(ServiceName, cancellationToken);
        var perTopic = registry.GetServiceAsync(ServicePrefix + topic, cancellationToken);
        await ((Task)Task.WhenAll(shared, perTopic)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (shared.IsFaulted && perTopic.IsFaulted)
        {
            await perTopic.ConfigureAwait(false); // both failed: the registry is unusable, report it
        }

        cancellationToken.ThrowIfCancellationRequested();
        var targets = new List<HttpBrokerTarget>();
        var seen = new HashSet<(string Version, string Id)>();

        // A node in both forms (a MicroHosting subscriber) is posted to on /_sub: no rewrite, no overlap with RPC's POST /.
        if (perTopic.IsCompletedSuccessfully)
        {
            foreach (var service in perTopic.Result)
            {
                foreach (var node in service.Nodes)
                {
                    if (seen.Add((service.Version, node.Id)))
                    {
                        targets.Add(new HttpBrokerTarget(node, service.Version, V1Path));
                    }
                }
            }
        }

        if (shared.IsCompletedSuccessfully)
        {
            foreach (var service in shared.Result)
            {
                foreach (var node in service.Nodes)
                {
                    if (node.Metadata.TryGetValue("broker", out var broker) && broker == "http" &&
                        node.Metadata.TryGetValue("topic", out var nodeTopic) && string.Equals(nodeTopic, topic, StringComparison.Ordinal) &&
                        seen.Add((service.Version, node.Id)))
                    {
                        targets.Add(new HttpBrokerTarget(node, service.Version, V2Path));
                    }
                }
            }
        }

        if (targets.Count > 0)
        {
            _cache[topic] = (targets, now + cacheTtl);
        }
        else
        {
            _cache.TryRemove(topic, out _);
        }

        return targets;
    }

    public void Invalidate(string topic) => _cache.TryRemove(topic, out _);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_watch is not null)
        {
            await _watch.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stopping.Dispose();
    }

    private void EnsureWatching()
    {
        if (Interlocked.Exchange(ref _watching, 1) == 0)
        {
            _watch = Task.Run(WatchAsync);
        }
    }

    private async Task WatchAsync()
    {
        try
        {
            await foreach (var change in registry.WatchAsync(null, _stopping.Token).ConfigureAwait(false))
            {
                var name = change.Service.Name;
                if (name.StartsWith(ServicePrefix, StringComparison.Ordinal))
                {
                    Invalidate(name[ServicePrefix.Length..]);
                }
                else if (string.Equals(name, ServiceName, StringComparison.Ordinal))
                {
                    var topics = change.Service.Nodes.Select(n => n.Metadata.GetValueOrDefault("topic")).ToArray();
                    if (topics.Length == 0 || topics.Any(t => t is null))
                    {
                        _cache.Clear();
                    }
                    else
                    {
                        foreach (var topic in topics)
                        {
                            Invalidate(topic!);
                        }
                    }
                }
            }
        }
        catch (Exception) when (!_stopping.IsCancellationRequested)
        {
            // A registry that cannot watch leaves the cache TTL as the only refresh; deliveries still invalidate on failure.
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
