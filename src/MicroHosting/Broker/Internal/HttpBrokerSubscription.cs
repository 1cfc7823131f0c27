using MicroHosting.Registry;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// One http broker subscription: a <c>topic:&lt;topic&gt;</c> registration (version = queue, or <c>ff.http.broadcast</c>)
/// with one node, <c>broker-&lt;uuid&gt;</c>, at this app's address, refreshed until unsubscribed.
/// </summary>
internal sealed class HttpBrokerSubscription : IBrokerSubscription
{
    public const string BroadcastVersion = "ff.http.broadcast";
    private readonly HttpBroker _broker;
    private readonly CancellationTokenSource _stopping = new();
    private Task? _refresh;
    private IRegistry? _registry;
    private int _unsubscribed;

    public HttpBrokerSubscription(HttpBroker broker, string topic, string? queue, BrokerHandler handler, MicroNode node)
    {
        _broker = broker;
        Topic = topic;
        Queue = queue;
        Handler = handler;
        Service = new MicroService
        {
            Name = HttpBrokerDiscovery.ServicePrefix + topic,
            Version = queue ?? BroadcastVersion,
            Nodes = [node],
        };
    }

    public string Topic { get; }

    public string? Queue { get; }

    public BrokerHandler Handler { get; }

    public MicroService Service { get; }

    public string NodeId => Service.Nodes[0].Id;

    public async Task StartAsync(IRegistry registry, HttpBrokerOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _registry = registry;
        await registry.RegisterAsync(Service, options.SubscriberTtl, cancellationToken).ConfigureAwait(false);
        _refresh = RefreshAsync(registry, options, timeProvider, _stopping.Token);
    }

    public async ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unsubscribed, 1) != 0)
        {
            return;
        }

        _broker.Remove(this);
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_refresh is not null)
        {
            await _refresh.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_registry is not null)
        {
            await _broker.DeregisterAsync(_registry, this, cancellationToken).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    public ValueTask DisposeAsync() => UnsubscribeAsync();

    private async Task RefreshAsync(IRegistry registry, HttpBrokerOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.SubscriberRefreshInterval, timeProvider, cancellationToken).ConfigureAwait(false);
                await registry.RegisterAsync(Service, options.SubscriberTtl, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _broker.LogRefreshFailed(Topic, NodeId, ex);
            }
        }
    }
}
