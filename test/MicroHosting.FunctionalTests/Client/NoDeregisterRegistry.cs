using MicroHosting.Registry;

namespace MicroHosting.Tests.Client;

/// <summary>A registry view whose deregistration does nothing: a node using it "crashes" (stays registered) when stopped.</summary>
internal sealed class NoDeregisterRegistry(IRegistry inner) : IRegistry
{
    public string Name => inner.Name;

    public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default) => inner.RegisterAsync(service, ttl, cancellationToken);

    public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default) => inner.GetServiceAsync(name, cancellationToken);

    public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default) => inner.ListServicesAsync(cancellationToken);

    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default) => inner.WatchAsync(service, cancellationToken);
}
