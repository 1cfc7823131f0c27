namespace MicroHosting.Registry;

/// <summary>
/// A service registry: Go Micro's model and operations. Implementations: mDNS (the default), in-memory, static,
/// and etcd (package <c>MicroHosting.Registry.Etcd</c>).
/// </summary>
public interface IRegistry
{
    /// <summary>Gets the registry's name as used in <c>MICRO_REGISTRY</c> and node metadata (<c>mdns</c>, <c>memory</c>, ...).</summary>
    string Name { get; }

    /// <summary>Registers (or refreshes) the nodes of <paramref name="service"/> for <paramref name="ttl"/>.</summary>
    /// <param name="service">The service with the nodes to register.</param>
    /// <param name="ttl">How long the registration lives without a refresh; <see cref="TimeSpan.Zero"/> for no expiry.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the registration is accepted.</returns>
    Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>Removes the nodes of <paramref name="service"/>.</summary>
    /// <param name="service">The service with the nodes to remove.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>A task that completes when the nodes are removed.</returns>
    Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default);

    /// <summary>Gets every version of the named service with its nodes; empty when none is known.</summary>
    /// <param name="name">The service name.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>One entry per version.</returns>
    Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Lists the known services (names and versions; nodes may be omitted).</summary>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The services.</returns>
    Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams registry changes until <paramref name="cancellationToken"/> is cancelled.</summary>
    /// <param name="service">Only events for this service name, or <see langword="null"/> for all.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The events, as they happen.</returns>
    IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default);
}
