using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MicroHosting.Registry.Internal;

/// <summary>
/// Fans registry events out to any number of watchers. Each watcher has a bounded buffer; a watcher that falls
/// that far behind loses its oldest events rather than holding the registry's memory hostage.
/// </summary>
internal sealed class RegistryWatchers
{
    private const int BufferPerWatcher = 1024;
    private readonly Lock _gate = new();
    private Channel<RegistryEvent>[] _channels = [];

    public bool HasWatchers => Volatile.Read(ref _channels).Length > 0;

    public void Publish(RegistryEvent registryEvent)
    {
        foreach (var channel in Volatile.Read(ref _channels))
        {
            channel.Writer.TryWrite(registryEvent);
        }
    }

    public async IAsyncEnumerable<RegistryEvent> WatchAsync(string? service, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<RegistryEvent>(new BoundedChannelOptions(BufferPerWatcher)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });
        lock (_gate)
        {
            _channels = [.. _channels, channel];
        }

        try
        {
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (service is null || string.Equals(item.Service.Name, service, StringComparison.Ordinal))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _channels = Array.FindAll(_channels, c => c != channel);
            }
        }
    }
}
