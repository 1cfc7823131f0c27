using Microsoft.Extensions.Hosting;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Drains the http broker when the host stops. It runs in <see cref="StoppingAsync"/>, the phase before every hosted
/// service's <c>StopAsync</c>: the registry (mDNS stops its responder in its <c>StopAsync</c>) and the HTTP client the
/// deliveries need are still there. Bounded by the host's shutdown timeout.
/// </summary>
internal sealed class HttpBrokerDrainService : IHostedLifecycleService
{
    private HttpBroker? _broker;

    /// <summary>Called by the broker when it is created; a host that never used it has nothing to drain.</summary>
    public void Track(HttpBroker broker) => Volatile.Write(ref _broker, broker);

    public Task StoppingAsync(CancellationToken cancellationToken)
        => Volatile.Read(ref _broker)?.DrainAsync(cancellationToken) ?? Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
