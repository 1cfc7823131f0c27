using System.Collections.Concurrent;
using MicroHosting.Registry;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// The publisher's view of a topic's subscribers (<c>topic:&lt;topic&gt;</c> services): cached for
/// <see cref="HttpBrokerOptions.DiscoveryCacheTtl"/>, dropped early when the registry reports a change or a delivery fails.
/// Empty answers are never cached, so a subscriber that just registered is found on the next publish.
/// </summary>
internal sealed class HttpBrokerDiscovery(IRegistry registry, TimeProvider timeProvider, TimeSpan cacheTtl) : IAsyncDisposable
{
    public const string ServicePrefix = "topic:";
    private readonly ConcurrentDictionary<string, (IReadOnlyList<MicroService> Services, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private int _watching;
    private Task? _watch;

    public async ValueTask<IReadOnlyList<MicroService>> GetAsync(string topic, bool fresh, CancellationToken cancellationToken)
    {
        EnsureWatching();
        var now = timeProvider.GetUtcNow();
        if (!fresh && _cache.TryGetValue(topic, out var cached) && cached.Expires > now)
        {
            return cached.Services;
        }

        var services = await registry.GetServiceAsync(ServicePrefix + topic, cancellationToken).ConfigureAwait(false);
        if (services.Any(s => s.Nodes.Count > 0))
        {
            _cache[topic] = (services, now + cacheTtl);
        }
        else
        {
            _cache.TryRemove(topic, out _);
        }

        return services;
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
                if (change.Service.Name.StartsWith(ServicePrefix, StringComparison.Ordinal))
                {
                    Invalidate(change.Service.Name[ServicePrefix.Length..]);
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
