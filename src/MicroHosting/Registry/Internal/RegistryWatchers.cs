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

    /// <summary>
    /// Starts watching now, so no event published after this call is missed, even before the caller starts enumerating.
    /// The watch ends when the enumeration ends or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service, CancellationToken cancellationToken)
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

        var registration = cancellationToken.Register(() => Remove(channel));
        return ReadAsync(channel, service, registration, cancellationToken);
    }

    private async IAsyncEnumerable<RegistryEvent> ReadAsync(
        Channel<RegistryEvent> channel,
        string? service,
        CancellationTokenRegistration registration,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
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
            await registration.DisposeAsync().ConfigureAwait(false);
            Remove(channel);
        }
    }

    private void Remove(Channel<RegistryEvent> channel)
    {
        lock (_gate)
        {
            _channels = Array.FindAll(_channels, c => c != channel);
        }
    }
}
