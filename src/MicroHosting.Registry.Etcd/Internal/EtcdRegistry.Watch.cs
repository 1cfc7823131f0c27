using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace MicroHosting.Registry.Etcd.Internal;

internal sealed partial class EtcdRegistry
{
    private const int WatchBuffer = 1024;

    /// <summary>
    /// Streams changes under the prefix (or one service's keys). The watch starts at this call, not at the first
    /// enumeration, and is live once etcd has answered its first read. It survives etcd restarts and lost
    /// connections: it reconnects with backoff and resumes from the last revision it saw, so no change is skipped.
    /// </summary>
    public IAsyncEnumerable<RegistryEvent> WatchAsync(string? service = null, CancellationToken cancellationToken = default)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var channel = Channel.CreateBounded<RegistryEvent>(new BoundedChannelOptions(WatchBuffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // back-pressure reaches etcd's stream instead of dropping changes
        });
        var watcher = new EtcdWatcher(this, Keys.Service(service), service, _timeProvider, _logger);
        var pump = watcher.RunAsync(channel.Writer, stop.Token);
        return ReadAsync(channel.Reader, stop, pump, cancellationToken);
    }

    private static async IAsyncEnumerable<RegistryEvent> ReadAsync(
        ChannelReader<RegistryEvent> reader,
        CancellationTokenSource stop,
        Task pump,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var enumeration = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop.Token);
        try
        {
            await foreach (var item in reader.ReadAllAsync(enumeration.Token).ConfigureAwait(false))
            {
                yield return item;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await pump.ConfigureAwait(false);
            stop.Dispose();
        }
    }
}
