using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting.Internal;
using MicroHosting.Server.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// Starts every subscriber once the service is registered and before the app reports started; on stop, unsubscribes
/// them (no new deliveries) and waits for the handlers still running, within the host's shutdown timeout.
/// </summary>
internal sealed partial class MicroSubscriptionService(
    IServiceProvider services,
    MicroSubscriberCatalog catalog,
    MicroCodecRegistry codecs,
    MicroMetrics metrics,
    IOptions<MicroSubscriberOptions> subscriberOptions,
    ILogger<MicroSubscriptionService> logger) : IHostedLifecycleService
{
    private readonly InFlightCounter _inFlight = new();
    private readonly List<IBrokerSubscription> _subscriptions = [];
    private IReadOnlyList<MicroSubscriberDefinition> _definitions = [];

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _definitions = catalog.Freeze();
        if (services.GetService<MicroEndpointCatalog>() is { } endpoints)
        {
            // Described before registration runs, so the first registration already lists the subscribers.
            foreach (var definition in _definitions)
            {
                endpoints.AddDescription(definition.Describe());
            }
        }

        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        if (_definitions.Count == 0)
        {
            return;
        }

        // Subscribers are found through the registry after the service itself: wait for its first registration attempt
        // (a server's; a pure client has none), whichever of the two hosted services the host starts first.
        if (services.GetService<MicroRegistrationService>() is { } registration)
        {
            await registration.RegisterOnceAsync(cancellationToken).ConfigureAwait(false);
        }

        var broker = services.GetRequiredService<IBroker>();
        foreach (var definition in _definitions)
        {
            var pipeline = definition.Build(subscriberOptions.Value.Wrappers);
            var subscription = await broker.SubscribeAsync(
                definition.Topic,
                (topic, message, token) => HandleAsync(broker.Name, definition, pipeline, topic, message, token),
                new BrokerSubscribeOptions { Queue = definition.Queue },
                cancellationToken).ConfigureAwait(false);
            _subscriptions.Add(subscription);
            LogSubscribed(definition.Topic, definition.Queue ?? "(broadcast)", broker.Name);
        }
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        foreach (var subscription in _subscriptions)
        {
            try
            {
                await subscription.UnsubscribeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                LogUnsubscribeFailed(subscription.Topic, ex);
            }
        }

        _subscriptions.Clear();
        try
        {
            await _inFlight.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            LogDrainTimedOut(_inFlight.Count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async ValueTask HandleAsync(string broker, MicroSubscriberDefinition definition, MicroMessageDelegate pipeline, string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        _inFlight.Enter();
        var previous = MicroMessageContext.Current;
        using var activity = MicroHosting.Diagnostics.MicroTelemetry.StartProcess(broker, topic, message);
        try
        {
            var decoded = definition.Decode(codecs, message);
            var scope = services.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var context = new MicroMessageContext(topic, definition.Queue, message, decoded, scope.ServiceProvider, cancellationToken);
                MicroMessageContext.Current = context;
                await pipeline(context).ConfigureAwait(false);
            }

            metrics.Handled(broker, topic);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            metrics.HandlerFailed(broker, topic);
            LogHandlerFailed(topic, definition.EndpointName, message.GetHeader(MicroHosting.Internal.MicroHeaders.Id), ex);
            throw;
        }
        finally
        {
            MicroMessageContext.Current = previous;
            _inFlight.Exit();
        }
    }

    [LoggerMessage(EventId = MicroEventIds.Subscribed, EventName = "Subscribed", Level = LogLevel.Information, Message = "Subscribed to {Topic} (queue {Queue}) on the {Broker} broker.")]
    private partial void LogSubscribed(string topic, string queue, string broker);

    [LoggerMessage(EventId = MicroEventIds.SubscriberFailed, EventName = "SubscriberFailed", Level = LogLevel.Error, Message = "Subscriber {Endpoint} failed on a message of {Topic} (Micro-Id {MessageId}); the broker reports the delivery as failed.")]
    private partial void LogHandlerFailed(string topic, string endpoint, string? messageId, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.UnsubscribeFailed, EventName = "UnsubscribeFailed", Level = LogLevel.Warning, Message = "Unsubscribing from {Topic} failed; stopping continues.")]
    private partial void LogUnsubscribeFailed(string topic, Exception exception);

    [LoggerMessage(EventId = MicroEventIds.SubscriberDrainTimedOut, EventName = "SubscriberDrainTimedOut", Level = LogLevel.Warning, Message = "Stopping: {Count} subscriber handler(s) still running when the shutdown timeout passed.")]
    private partial void LogDrainTimedOut(int count);
}
