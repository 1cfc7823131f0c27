using Microsoft.Extensions.Logging;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>One NATS subscription (with queue group when given) and the loop that hands its messages to the handler, one at a time.</summary>
internal sealed partial class NatsBrokerSubscription : IBrokerSubscription
{
    private readonly INatsSub<byte[]> _subscription;
    private readonly NatsBroker _broker;
    private readonly BrokerHandler _handler;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private readonly ILogger<NatsBrokerSubscription> _logger;
    private int _unsubscribed;

    public NatsBrokerSubscription(NatsBroker broker, INatsSub<byte[]> subscription, string topic, string? queue, BrokerHandler handler, ILogger<NatsBrokerSubscription> logger)
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

    internal static BrokerMessage ToBrokerMessage(NatsMsg<byte[]> message)
    {
        var natsHeaders = message.Headers;
        var headers = natsHeaders is { Count: > 0 } ? new KeyValuePair<string, string>[natsHeaders.Count] : [];
        if (natsHeaders is not null)
        {
            var i = 0;
            foreach (var (key, value) in natsHeaders)
            {
                headers[i++] = new(key, value.ToString());
            }
        }

        // NATS.Net's headers have unique keys, and the array is new: the message takes it without the public constructor's copy.
        return BrokerMessage.Own(headers, message.Data ?? []);
    }

    private async Task RunAsync()
    {
        await foreach (var message in _subscription.Msgs.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
        {
            try
            {
                await _handler(Topic, ToBrokerMessage(message), _stopping.Token).ConfigureAwait(false);
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

    [LoggerMessage(EventId = 710, Level = LogLevel.Warning, EventName = "NatsHandlerFailed", Message = "A message of {Topic} failed in its subscriber ({Reason}); core NATS does not redeliver it.")]
    private partial void LogHandlerFailed(string topic, string reason);
}
