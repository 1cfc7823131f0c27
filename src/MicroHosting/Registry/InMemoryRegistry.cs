using MicroHosting.Registry.Internal;

namespace MicroHosting.Registry;

/// <summary>
/// A registry held in this process's memory. Share one instance between hosts in the same process (tests,
/// the Greeter demo) to make them see each other. Registrations expire after their TTL unless refreshed.
/// </summary>
public sealed class InMemoryRegistry : IRegistry, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Name, string Version), Entry> _entries = [];
    private readonly RegistryWatchers _watchers = new();
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _sweeper;

    /// <summary>Creates an empty registry.</summary>
    /// <param name="timeProvider">The clock for TTL expiry; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    public InMemoryRegistry(TimeProvider? timeProvider = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _sweeper = _timeProvider.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <inheritdoc />
    public string Name => "memory";

    /// <inheritdoc />
    public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var now = _timeProvider.GetUtcNow();
        var expires = ttl > TimeSpan.Zero ? now + ttl : DateTimeOffset.MaxValue;
        var events = new List<RegistryEvent>();
        lock (_gate)
        {
            if (!_entries.TryGetValue((service.Name, service.Version), out var entry))
            {
                entry = new Entry();
                _entries[(service.Name, service.Version)] = entry;
            }

            entry.Template = service;
            foreach (var node in service.Nodes)
            {
                var type = entry.Nodes.ContainsKey(node.Id) ? RegistryEventType.Update : RegistryEventType.Create;
                entry.Nodes[node.Id] = (node, expires);
                events.Add(new RegistryEvent(type, service.WithNodes([node]), now));
            }
        }

        Publish(events);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(service);
        var events = new List<RegistryEvent>();
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            if (_entries.TryGetValue((service.Name, service.Version), out var entry))
            {
                foreach (var node in service.Nodes)
                {
                    if (entry.Nodes.Remove(node.Id, out var removed))
                    {
                        events.Add(new RegistryEvent(RegistryEventType.Delete, entry.Template.WithNodes([removed.Node]), now));
                    }
                }

                if (entry.Nodes.Count == 0)
                {
                    _entries.Remove((service.Name, service.Version));
                }
            }
        }

        Publish(events);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var now = _timeProvider.GetUtcNow();
        var result = new List<MicroService>();
        lock (_gate)
        {
            foreach (var ((serviceName, _), entry) in _entries)
            {
                if (!string.Equals(serviceName, name, StringComparison.Ordinal))
                {
                    continue;
                }

                var nodes = entry.Nodes.Values.Where(n => n.Expires > now).Select(n => n.Node).ToArray();
                if (nodes.Length > 0)
                {
                    result.Add(entry.Template.WithNodes(nodes));
                }
            }
        }

        return Task.FromResult<IReadOnlyList<MicroService>>(result);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var now = _timeProvider.GetUtcNow();
        lock (_gate)
        {
            IReadOnlyList<MicroService> result = _entries.Values
                .Select(e => e.Template.WithNodes(e.Nodes.Values.Where(n => n.Expires > now).Select(n => n.Node).ToArray()))
                .Where(s => s.Nodes.Count > 0)
                .ToArray();
            return Task.FromResult(result);
        }
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default)
        => _watchers.WatchAsync(service, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _sweeper.Dispose();

    private void Sweep()
    {
        var now = _timeProvider.GetUtcNow();
        var events = new List<RegistryEvent>();
        lock (_gate)
        {
            foreach (var (key, entry) in _entries.ToArray())
            {
                foreach (var (id, node) in entry.Nodes.ToArray())
                {
                    if (node.Expires <= now)
                    {
                        entry.Nodes.Remove(id);
                        events.Add(new RegistryEvent(RegistryEventType.Delete, entry.Template.WithNodes([node.Node]), now));
                    }
                }

                if (entry.Nodes.Count == 0)
                {
                    _entries.Remove(key);
                }
            }
        }

        Publish(events);
    }

    private void Publish(List<RegistryEvent> events)
    {
        foreach (var registryEvent in events)
        {
            _watchers.Publish(registryEvent);
        }
    }

    private sealed class Entry
    {
        public MicroService Template { get; set; } = null!;

        public Dictionary<string, (MicroNode Node, DateTimeOffset Expires)> Nodes { get; } = new(StringComparer.Ordinal);
    }
}
