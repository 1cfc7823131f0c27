using MicroHosting.Registry;

namespace MicroHosting.Tests.Hosting;

/// <summary>An in-memory registry that records calls and can be made to fail.</summary>
internal sealed class CountingRegistry(TimeProvider? timeProvider = null) : IRegistry
{
    private readonly InMemoryRegistry _inner = new(timeProvider);

    public string Name => "counting";

    public volatile bool Fail;

    public int Registrations;

    public List<string> Log { get; } = [];

    /// <summary>Gets the TTL of every registration, in order.</summary>
    public List<TimeSpan> Ttls { get; } = [];

    public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Registrations);
        if (Fail)
        {
            throw new IOException("registry unreachable");
        }

        lock (Log)
        {
            Log.Add("register");
            Ttls.Add(ttl);
        }

        return _inner.RegisterAsync(service, ttl, cancellationToken);
    }

    public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default)
    {
        lock (Log)
        {
            Log.Add("deregister");
        }

        return _inner.DeregisterAsync(service, cancellationToken);
    }

    public Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default) => _inner.GetServiceAsync(name, cancellationToken);

    public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default) => _inner.ListServicesAsync(cancellationToken);

    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default) => _inner.WatchAsync(service, cancellationToken);
}
