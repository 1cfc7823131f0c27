using System.Threading.Channels;

namespace MicroHosting.Registry.Etcd.Tests;

/// <summary>Enumerates a registry watch in the background so a test can wait for the events it expects.</summary>
internal sealed class WatchReader : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Channel<RegistryEvent> _events = Channel.CreateUnbounded<RegistryEvent>();
    private readonly Task _pump;

    private WatchReader(IRegistry registry, string? service)
    {
        _pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in registry.WatchAsync(service, _stop.Token))
                {
                    _events.Writer.TryWrite(item);
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
            }
            finally
            {
                _events.Writer.TryComplete();
            }
        });
    }

    /// <summary>
    /// Starts a watch and returns once it is known to be live: a sentinel node of <paramref name="service"/> is written
    /// (again and again, so the write lands after the watch started) until the watch reports it; then it is removed.
    /// </summary>
    public static async Task<WatchReader> StartAsync(IRegistry registry, string service, bool filtered = true)
    {
        var reader = new WatchReader(registry, filtered ? service : null);
        var sentinel = $"{service}-sentinel";
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var attempt = 0; ; attempt++)
        {
            await registry.RegisterAsync(TestData.Service(service, sentinel, tag: attempt.ToString(System.Globalization.CultureInfo.InvariantCulture)), TimeSpan.Zero, timeout.Token);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            wait.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                await reader.NextAsync(e => e.Service.Nodes[0].Id == sentinel, wait.Token);
                break;
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
            }
        }

        await registry.DeregisterAsync(TestData.Service(service, sentinel), timeout.Token);
        await reader.NextAsync(e => e.Type == RegistryEventType.Delete && e.Service.Nodes[0].Id == sentinel, timeout.Token);
        return reader;
    }

    /// <summary>Waits for the next event that matches, skipping others.</summary>
    public async Task<RegistryEvent> NextAsync(Func<RegistryEvent, bool> match, CancellationToken cancellationToken)
    {
        while (true)
        {
            var item = await _events.Reader.ReadAsync(cancellationToken);
            if (match(item))
            {
                return item;
            }
        }
    }

    /// <summary>Waits up to <paramref name="seconds"/> for the next event that matches.</summary>
    public async Task<RegistryEvent> NextAsync(Func<RegistryEvent, bool> match, double seconds = 15)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return await NextAsync(match, timeout.Token);
    }

    /// <summary>Returns the events that arrive within <paramref name="window"/>.</summary>
    public async Task<IReadOnlyList<RegistryEvent>> DrainAsync(TimeSpan window)
    {
        var result = new List<RegistryEvent>();
        using var timeout = new CancellationTokenSource(window);
        try
        {
            while (true)
            {
                result.Add(await _events.Reader.ReadAsync(timeout.Token));
            }
        }
        catch (OperationCanceledException)
        {
            return result;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _pump;
        _stop.Dispose();
    }
}
