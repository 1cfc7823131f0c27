using System.Collections.Concurrent;
using System.Diagnostics;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;

namespace MicroHosting.Benchmarks.Mdns;

/// <summary>The watching side, in the benchmark's process: when each node's create and delete events arrived.</summary>
internal sealed class MdnsWatcher : IAsyncDisposable
{
    private readonly MdnsRegistry _registry;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<(RegistryEventType, string), TaskCompletionSource<long>> _events = new();
    private readonly Task _loop;

    private MdnsWatcher(MdnsRegistry registry, string service)
    {
        _registry = registry;
        _loop = Task.Run(() => WatchAsync(service, _stop.Token));
    }

    public static async Task<MdnsWatcher> StartAsync(string domain, string service, CancellationToken cancellationToken)
    {
        var registry = new MdnsRegistry(MdnsBenchOptions.Create(domain, probe: true, TimeSpan.FromSeconds(120)));
        await registry.StartAsync(cancellationToken).ConfigureAwait(false);
        return new MdnsWatcher(registry, service);
    }

    /// <summary>Waits for the event of <paramref name="nodeId"/>; returns the <see cref="Stopwatch.GetTimestamp"/> when it arrived.</summary>
    public async Task<long> WaitAsync(RegistryEventType type, string nodeId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await Slot(type, nodeId).Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The watcher saw no {type} event for node '{nodeId}' within {timeout.TotalSeconds} s.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await _registry.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task WatchAsync(string service, CancellationToken cancellationToken)
    {
        await foreach (var item in _registry.WatchAsync(service, cancellationToken).ConfigureAwait(false))
        {
            var now = Stopwatch.GetTimestamp();
            foreach (var node in item.Service.Nodes)
            {
                Slot(item.Type, node.Id).TrySetResult(now);
            }
        }
    }

    private TaskCompletionSource<long> Slot(RegistryEventType type, string nodeId)
        => _events.GetOrAdd((type, nodeId), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
}
