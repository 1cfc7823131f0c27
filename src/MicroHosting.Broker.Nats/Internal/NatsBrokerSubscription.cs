using Microsoft.Extensions.Logging;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>One NATS subscription (with queue group when given) and the loop that hands its messages to the handler, one at a time.</summary>
internal sealed partial class NatsBrokerSubscription : IBrokerSubscription
{
    private readonly NatsBrokerSub _subscription;
    private readonly NatsBroker _broker;
    private readonly BrokerHandler _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly ILogger<NatsBrokerSubscription> _logger;
    private int _unsubscribed;

    public NatsBrokerSubscription(NatsBroker broker, NatsBrokerSub subscription, string topic, string? queue, BrokerHandler handler, ILogger<NatsBrokerSubscription> logger)
    {
        _logger = logger;
        _broker = broker;
        _subscription = subscription;
        _handler = handler;
        Topic = topic;
        Queue = queue;
        _loop = Task.Run(RunAsync);
    }

    public string Topic { get; }

    public string? Queue { get; }

    public async ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unsubscribed, 1) != 0)
        {
            return;
        }

        await _subscription.UnsubscribeAsync().ConfigureAwait(false);
        await _subscription.DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await UnsubscribeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        // Read (NatsWireFormat.TryDecode) on NATS.Net's read loop by NatsBrokerSub.
        await foreach (var (subject, received, error) in _subscription.Deliveries.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
        {
            if (received is null)
            {
                // Go Micro's subscriber drops what it cannot unmarshal too; the subscription goes on with the next message.
                _broker.Malformed(Topic);
                LogMalformed(Topic, subject, error ?? "unreadable");
                continue;
            }

            try
            {
                await _handler(Topic, received, _stopping.Token).ConfigureAwait(false);
                _broker.Received(Topic);
            }
            catch (Exception ex) when (!_stopping.IsCancellationRequested)
            {
                // Core NATS has no redelivery: the failure is logged and counted, and the next message goes on.
                _broker.HandlerFailed(Topic);
                LogHandlerFailed(Topic, ex.Message);
            }
        }
    }

    [LoggerMessage(EventId = NatsEventIds.NatsHandlerFailed, Level = LogLevel.Warning, EventName = "NatsHandlerFailed", Message = "A message of {Topic} failed in its subscriber ({Reason}); core NATS does not redeliver it.")]
    private partial void LogHandlerFailed(string topic, string reason);

    [LoggerMessage(EventId = NatsEventIds.NatsMalformedMessage, Level = LogLevel.Warning, EventName = "NatsMalformedMessage", Message = "A message of {Topic} (subject {Subject}) was dropped: it cannot be read ({Reason}).")]
    private partial void LogMalformed(string topic, string subject, string reason);
}
