using MicroHosting.Registry.Mdns.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MicroHosting.Registry.Mdns;

/// <summary>
/// The default registry: multicast DNS (RFC 6762) with DNS-SD (RFC 6763), wire-compatible with Go Micro's mDNS
/// registry, so services on one network find each other with no infrastructure. Each node is announced when it
/// registers and says goodbye when it deregisters; what the network announces reaches <see cref="WatchAsync"/> as it
/// happens. The UDP responder starts on first use (or with the host) and stops on <see cref="DisposeAsync"/>.
/// </summary>
public sealed class MdnsRegistry : IRegistry, IAsyncDisposable, IDisposable
{
    private readonly MdnsEngine _engine;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">The options; <c>MICRO_MDNS_INTERFACES</c> is not applied here (configuration does that).</param>
    /// <param name="timeProvider">The clock for TTLs and timeouts; <see cref="TimeProvider.System"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Creates the <c>MicroHosting</c> meter for the dropped-packet counter; no metrics when <see langword="null"/>.</param>
    /// <exception cref="InvalidOperationException">The options are invalid.</exception>
    public MdnsRegistry(MdnsRegistryOptions options, TimeProvider? timeProvider = null, ILogger<MdnsRegistry>? logger = null, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _engine = new MdnsEngine(options, timeProvider ?? TimeProvider.System, (ILogger?)logger ?? NullLogger.Instance, meterFactory);
    }

    /// <inheritdoc />
    public string Name => "mdns";

    /// <summary>
    /// Gets the names of the interfaces this registry opened its multicast sockets on: the configured ones
    /// (<see cref="MdnsRegistryOptions.Interfaces"/>, <c>MICRO_MDNS_INTERFACES</c>), or every interface that was up and
    /// multicast-capable when none is configured. Empty until the registry starts; kept after it stops.
    /// </summary>
    public IReadOnlyList<string> ListeningInterfaces => _engine.Interfaces;

    internal MdnsEngine Engine => _engine;

    /// <inheritdoc />
    /// <remarks>The records carry <see cref="MdnsRegistryOptions.RecordTtl"/>, not <paramref name="ttl"/>: mDNS nodes stay while they answer.</remarks>
    public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
        => _engine.RegisterAsync(service, cancellationToken);

    /// <inheritdoc />
    public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default)
        => _engine.DeregisterAsync(service, cancellationToken);

    /// <inheritdoc />
    /// <remarks>Asks the network, then answers after <see cref="MdnsRegistryOptions.QueryTimeout"/> from what was heard.</remarks>
    public Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _engine.GetServiceAsync(name, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default)
        => _engine.ListServicesAsync(cancellationToken);

    /// <inheritdoc />
    /// <remarks>Creates come from announcements and answers, deletes from goodbyes (at once) and from records that expire.</remarks>
    public async IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await _engine.StartAsync(cancellationToken).ConfigureAwait(false);
        if (service is not null)
        {
            _engine.Interest(service);
        }

        await foreach (var item in _engine.Watchers.WatchAsync(service, cancellationToken).ConfigureAwait(false))
        {
            yield return item;
        }
    }

    /// <summary>Sends goodbyes for the nodes still registered and closes the sockets.</summary>
    /// <returns>A task that completes when stopped.</returns>
    public ValueTask DisposeAsync() => _engine.DisposeAsync();

    /// <summary>Sends goodbyes for the nodes still registered and closes the sockets, blocking until done.</summary>
    public void Dispose() => _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal Task StartAsync(CancellationToken cancellationToken) => _engine.StartAsync(cancellationToken);

    internal Task StopAsync(CancellationToken cancellationToken) => _engine.StopAsync(cancellationToken);
}
