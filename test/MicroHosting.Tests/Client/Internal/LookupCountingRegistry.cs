using MicroHosting.Registry;

namespace MicroHosting.Tests.Client.Internal;

/// <summary>An in-memory registry that counts lookups, can hold them at a gate and can be made to fail.</summary>
internal sealed class LookupCountingRegistry(TimeProvider time) : IRegistry
{
    private readonly InMemoryRegistry _inner = new(time);
    private int _lookups;

    public string Name => "counting";

    public volatile bool Fail;

    public TaskCompletionSource? Gate { get; set; }

    public int Lookups => Volatile.Read(ref _lookups);

    public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default) => _inner.RegisterAsync(service, ttl, cancellationToken);

    public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default) => _inner.DeregisterAsync(service, cancellationToken);

    public async Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookups);
        if (Gate is { } gate)
        {
            await gate.Task;
        }

        return Fail ? throw new IOException("registry unreachable") : await _inner.GetServiceAsync(name, cancellationToken);
    }

    public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default) => _inner.ListServicesAsync(cancellationToken);

    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default) => _inner.WatchAsync(service, cancellationToken);
}
