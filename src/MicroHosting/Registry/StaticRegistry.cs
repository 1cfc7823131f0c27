using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Registry;

/// <summary>
/// A registry whose services are listed in configuration (<see cref="StaticRegistryOptions"/>). Registrations made at
/// run time are kept in memory beside the listed services, so a static setup can still host a service.
/// </summary>
public sealed class StaticRegistry : IRegistry, IDisposable
{
    private readonly IReadOnlyList<MicroService> _listed;
    private readonly InMemoryRegistry _local;

    /// <summary>Creates the registry.</summary>
    /// <param name="options">The listed services.</param>
    /// <param name="timeProvider">The clock for run-time registrations' TTLs.</param>
    /// <exception cref="InvalidOperationException">A listed service has no name or an address that is not <c>ip:port</c>.</exception>
    public StaticRegistry(StaticRegistryOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _local = new InMemoryRegistry(timeProvider);
        _listed = [.. options.Services.Select(ToService)];
    }

    /// <inheritdoc />
    public string Name => "static";

    /// <inheritdoc />
    public Task RegisterAsync(MicroService service, TimeSpan ttl, CancellationToken cancellationToken = default)
        => _local.RegisterAsync(service, ttl, cancellationToken);

    /// <inheritdoc />
    public Task DeregisterAsync(MicroService service, CancellationToken cancellationToken = default)
        => _local.DeregisterAsync(service, cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken = default)
    {
        var local = await _local.GetServiceAsync(name, cancellationToken).ConfigureAwait(false);
        return [.. _listed.Where(s => string.Equals(s.Name, name, StringComparison.Ordinal)), .. local];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken = default)
    {
        var local = await _local.ListServicesAsync(cancellationToken).ConfigureAwait(false);
        return [.. _listed, .. local];
    }

    /// <inheritdoc />
    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default)
        => _local.WatchAsync(service, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => _local.Dispose();

    internal static StaticRegistry FromConfiguration(IServiceProvider services)
    {
        var options = new StaticRegistryOptions();
        services.GetService<IConfiguration>()?.GetSection(StaticRegistryOptions.SectionName).Bind(options);
        return new StaticRegistry(options, services.GetService<TimeProvider>());
    }

    private static MicroService ToService(StaticServiceOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Name))
        {
            throw new InvalidOperationException("A service in Micro:Static:Services has no Name.");
        }

        var nodes = options.Addresses.Select(address =>
        {
            if (!HostPort.TryParse(address, out var hostPort) || hostPort.Value.Host.Length == 0 || hostPort.Value.Port == 0)
            {
                throw new InvalidOperationException($"Static service '{options.Name}' lists address '{address}', which is not ip:port (for example 127.0.0.1:8081).");
            }

            return new MicroNode
            {
                Id = $"{options.Name}-{address}",
                Address = hostPort.Value.Host,
                Port = hostPort.Value.Port,
                Metadata = new Dictionary<string, string>(options.Metadata, StringComparer.Ordinal) { ["registry"] = "static" },
            };
        }).ToArray();

        return new MicroService { Name = options.Name, Version = options.Version, Nodes = nodes };
    }
}
