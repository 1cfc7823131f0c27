using MicroHosting.Registry;

namespace MicroHosting.Tests.Hosting;

/// <summary>An in-memory registry that records calls and can be made to fail.</summary>
internal sealed class CountingRegistry(TimeProvider? timeProvider = null) : IRegistry
{
    private readonly InMemoryRegistry _inner = new(timeProvider);

    public string Name => "counting";

    private int _registrations;

    public volatile bool Fail;

    /// <summary>Gets how many registrations were attempted and have finished (succeeded or thrown): counted last, so a test that sees the count sees the rest of the call too.</summary>
    public int Registrations => Volatile.Read(ref _registrations);

    public List<string> Log { get; } = [];

    /// <summary>Gets the TTL of every registration, in order.</summary>
    public List<TimeSpan> Ttls { get; } = [];

    public async Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
    {
        try
        {
            if (Fail)
            {
                throw new IOException("registry unreachable");
            }

            lock (Log)
            {
                Log.Add("register");
                Ttls.Add(ttl);
            }

            await _inner.RegisterAsync(service, ttl, cancellationToken);
        }
        finally
        {
            Interlocked.Increment(ref _registrations);
        }
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
