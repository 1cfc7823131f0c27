using MicroHosting.Hosting.Internal;
using MicroHosting.Registry;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// One http broker subscription, registered in the forms of both Go Micro generations so each finds it: v1's
/// <c>topic:&lt;topic&gt;</c> service and v2.5+'s <c>micro.http.broker</c> service (version = queue, or
/// <c>ff.http.broadcast</c>, in both), with the same node, <c>&lt;topic&gt;-&lt;uuid&gt;</c> tagged <c>broker=http</c>,
/// <c>topic=&lt;topic&gt;</c>, at this app's address; refreshed until unsubscribed, a failed refresh retried with the
/// service registration's backoff. Publishers that read both forms
/// (MicroHosting's) see the node once.
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
        Services =
        [
            new MicroService { Name = HttpBrokerDiscovery.ServiceName, Version = queue ?? BroadcastVersion, Nodes = [node] },
            new MicroService { Name = HttpBrokerDiscovery.ServicePrefix + topic, Version = queue ?? BroadcastVersion, Nodes = [node] },
        ];
        NodeId = node.Id;
    }

    public string Topic { get; }

    public string? Queue { get; }

    public BrokerHandler Handler { get; }

    /// <summary>The registrations: <c>micro.http.broker</c> (v2.5+) and <c>topic:&lt;topic&gt;</c> (v1).</summary>
    public IReadOnlyList<MicroService> Services { get; }

    public string NodeId { get; }

    public async Task StartAsync(IRegistry registry, HttpBrokerOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        _registry = registry;
        await RegisterAsync(registry, options, cancellationToken).ConfigureAwait(false);
        _refresh = RegistrationRefresh.RunAsync(token => TryRefreshAsync(registry, options, token), registered: true, options.SubscriberRefreshInterval, timeProvider, _stopping.Token);
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

    /// <summary>One refresh; a failure is logged and retried by <see cref="RegistrationRefresh"/> with backoff.</summary>
    private async Task<bool> TryRefreshAsync(IRegistry registry, HttpBrokerOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await RegisterAsync(registry, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            _broker.LogRefreshFailed(Topic, NodeId, ex);
            return false;
        }
    }

    private async Task RegisterAsync(IRegistry registry, HttpBrokerOptions options, CancellationToken cancellationToken)
    {
        foreach (var service in Services)
        {
            await registry.RegisterAsync(service, options.SubscriberTtl, cancellationToken).ConfigureAwait(false);
        }
    }
}
