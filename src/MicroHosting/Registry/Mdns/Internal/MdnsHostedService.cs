using MicroHosting.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Runs the mDNS responder with the host when mDNS is the selected registry: it starts listening before the node
/// registers and, on stop, sends goodbyes for anything still announced and closes the sockets.
/// </summary>
internal sealed class MdnsHostedService(IServiceProvider services, IOptions<MicroOptions> options) : IHostedService
{
    private MdnsRegistry? _registry;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!string.Equals(options.Value.Registry.Trim(), "mdns", StringComparison.OrdinalIgnoreCase)
            || services.GetKeyedService<IRegistry>("mdns") is not MdnsRegistry registry)
        {
            return;
        }

        _registry = registry;
        await registry.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken)
        => _registry?.StopAsync(cancellationToken) ?? Task.CompletedTask;
}
