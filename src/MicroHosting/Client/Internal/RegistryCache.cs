using System.Collections.Concurrent;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>
/// The client's view of the registry: each service's nodes, kept for <see cref="MicroClientOptions.CacheTtl"/> and
/// updated in between by the registry's watch, so a call costs a dictionary lookup, not a registry round-trip. When the
/// registry fails, the last known nodes keep being served. One lookup per service is in flight at a time. The http
/// broker finds its subscribers through it too (<c>HttpBrokerDiscovery</c>).
/// </summary>
internal sealed partial class RegistryCache : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan RetryAfterRegistryFailure = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWatchDelay = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Service, string Address), NodeCandidate> _fixed = new();
    private readonly IRegistry _registry;
    private readonly NodeHealth _health;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly MicroHosting.Diagnostics.MicroMetrics? _metrics;
    private readonly long _ttlTicks;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _watchGate = new();
    private Task? _watch;
    private int _disposeCalled;

    public RegistryCache(IRegistry registry, NodeHealth health, TimeProvider timeProvider, IOptions<MicroClientOptions> options, ILogger<RegistryCache> logger, MicroHosting.Diagnostics.MicroMetrics? metrics = null)
    {
        _metrics = metrics;
        _registry = registry;
        _health = health;
        _timeProvider = timeProvider;
        _logger = logger;
        _ttlTicks = options.Value.CacheTtl.Ticks;
    }

    public string RegistryName => _registry.Name;

    public ValueTask<ServiceSnapshot> GetAsync(string service, CancellationToken cancellationToken)
    {
        if (_watch is null)
        {
            StartWatch();
        }

        var entry = _entries.GetOrAdd(service, static name => new Entry(name));
        var snapshot = entry.Snapshot;
        if (snapshot is not null && snapshot.Expires > _timeProvider.GetUtcNow().UtcTicks)
        {
            return new ValueTask<ServiceSnapshot>(snapshot);
        }

        return new ValueTask<ServiceSnapshot>(RefreshAsync(entry, cancellationToken));
    }

    /// <summary>Makes the next <see cref="GetAsync"/> of <paramref name="service"/> ask the registry again (the http broker's discovery).</summary>
    public void Expire(string service)
    {
        if (_entries.TryGetValue(service, out var entry) && entry.Snapshot is { } snapshot)
        {
            entry.Snapshot = snapshot.WithExpiry(0);
        }
    }

    /// <summary>The node for a call with a fixed address (Go Micro's <c>WithAddress</c>): no registry involved.</summary>
    public NodeCandidate ForAddress(string service, string address)
        => _fixed.GetOrAdd((service, address), static (key, health) =>
        {
            // https://host:port calls a node serving TLS (as a registered secure=true node is called).
            var secure = key.Address.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
            var text = secure ? key.Address["https://".Length..].TrimEnd('/') : key.Address;
            if (!HostPort.TryParse(text, out var hostPort) || hostPort.Value.Host.Length == 0 || hostPort.Value.Port == 0)
            {
                throw new InvalidOperationException($"The call's address '{key.Address}' (MicroCallOptions.Address) is not host:port, for example 127.0.0.1:8081 (or https://127.0.0.1:8443 for a node serving TLS).");
            }

            var node = new MicroNode
            {
                Id = key.Address,
                Address = hostPort.Value.Host,
                Port = hostPort.Value.Port,
                Metadata = secure ? new Dictionary<string, string>(StringComparer.Ordinal) { ["secure"] = "true" } : EmptyMetadata.Instance,
            };
            return new NodeCandidate(new MicroService { Name = key.Service, Nodes = [node] }, node, health.Get(node.HostPort));
        }, _health);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposeCalled, 1) != 0)
        {
            return;
        }

        await _disposed.CancelAsync().ConfigureAwait(false);
        if (_watch is { } watch)
        {
            await watch.ConfigureAwait(false);
        }

        _disposed.Dispose();
    }

    /// <summary>For containers disposed synchronously (the http broker, which holds this cache, supports them); <see cref="DisposeAsync"/> is the real path.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private Task<ServiceSnapshot> RefreshAsync(Entry entry, CancellationToken cancellationToken)
    {
        Task<ServiceSnapshot> lookup;
        lock (entry.Gate)
        {
            lookup = entry.Lookup ??= LookupAsync(entry);
        }

        return lookup.IsCompleted ? lookup : lookup.WaitAsync(cancellationToken);
    }

    private async Task<ServiceSnapshot> LookupAsync(Entry entry)
    {
        await Task.Yield(); // Leave the caller's lock before touching the registry.
        try
        {
            var services = await _registry.GetServiceAsync(entry.Name, _disposed.Token).ConfigureAwait(false);
            var snapshot = Build(entry.Name, services);
            entry.Snapshot = snapshot;
            return snapshot;
        }
        catch (Exception ex) when (entry.Snapshot is { } stale && !_disposed.IsCancellationRequested)
        {
            // The registry is down (etcd unreachable, ...): keep serving the last known nodes, and ask again soon.
            LogServingStale(entry.Name, _registry.Name, stale.Nodes.Length, ex);
            var extended = stale.WithExpiry(_timeProvider.GetUtcNow().UtcTicks + Math.Min(_ttlTicks, RetryAfterRegistryFailure.Ticks));
            entry.Snapshot = extended;
            return extended;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_disposed.IsCancellationRequested)
        {
            throw new MicroException(MicroClientErrors.Id, 500, $"service {entry.Name}: the {_registry.Name} registry failed: {ex.Message}", innerException: ex);
        }
        finally
        {
            lock (entry.Gate)
            {
                entry.Lookup = null;
            }
        }
    }

    private ServiceSnapshot Build(string name, IReadOnlyList<MicroService> services)
    {
        var nodes = new List<NodeCandidate>();
        foreach (var service in services)
        {
            if (!string.Equals(service.Name, name, StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var node in service.Nodes)
            {
                nodes.Add(new NodeCandidate(service, node, _health.Get(node.HostPort)));
            }
        }

        return new ServiceSnapshot(name, [.. nodes], _timeProvider.GetUtcNow().UtcTicks + _ttlTicks);
    }

    private void StartWatch()
    {
        lock (_watchGate)
        {
            // Started before the first lookup, so no change made after that lookup is missed.
            _watch ??= WatchAsync(_disposed.Token);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await foreach (var change in _registry.WatchAsync(null, cancellationToken).ConfigureAwait(false))
                {
                    Apply(change);
                    delay = TimeSpan.FromSeconds(1);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogWatchFailed(_registry.Name, delay.TotalSeconds, ex);
            }

            // Changes may have been missed while not watching: look every service up again on its next call.
            ExpireAll();
            try
            {
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxWatchDelay.Ticks));
        }
    }

    private void Apply(RegistryEvent change)
    {
        var service = change.Service;
        _metrics?.RegistryEvent(_registry.Name, change.Type.ToString().ToLowerInvariant());
        if (change.Type == RegistryEventType.Create)
        {
            foreach (var node in service.Nodes)
            {
                _health.Restore(node.HostPort);
            }
        }

        if (!_entries.TryGetValue(service.Name, out var entry))
        {
            return;
        }

        lock (entry.Gate)
        {
            var snapshot = entry.Snapshot;
            if (snapshot is null)
            {
                return;
            }

            foreach (var node in service.Nodes)
            {
                snapshot = change.Type == RegistryEventType.Delete ? snapshot.WithoutNode(node.Id) : snapshot.WithNode(service, node, _health);
            }

            entry.Snapshot = snapshot;
        }
    }

    private void ExpireAll()
    {
        foreach (var entry in _entries.Values)
        {
            if (entry.Snapshot is { } snapshot)
            {
                entry.Snapshot = snapshot.WithExpiry(0);
            }
        }
    }

    [LoggerMessage(EventId = MicroEventIds.RegistryLookupFailed, EventName = "RegistryLookupFailed", Level = LogLevel.Warning, Message = "Looking up {Service} in the {Registry} registry failed; serving the {Count} node(s) last known.")]
    private partial void LogServingStale(string service, string registry, int count, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.RegistryWatchFailed, EventName = "RegistryWatchFailed", Level = LogLevel.Warning, Message = "Watching the {Registry} registry failed; watching again in {Seconds}s. Cached nodes are looked up again meanwhile.")]
    private partial void LogWatchFailed(string registry, double seconds, Exception exception);

    private sealed class Entry(string name)
    {
        private volatile ServiceSnapshot? _snapshot;

        public string Name { get; } = name;

        public Lock Gate { get; } = new();

        public ServiceSnapshot? Snapshot
        {
            get => _snapshot;
            set => _snapshot = value;
        }

        public Task<ServiceSnapshot>? Lookup { get; set; }
    }
}
