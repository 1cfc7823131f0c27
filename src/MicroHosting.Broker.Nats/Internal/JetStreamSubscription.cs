using System.Globalization;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// One subscription on a durable JetStream consumer: hands messages to the handler one at a time and settles each by the
/// outcome. Success acks; an exception naks with the configured backoff until <see cref="NatsJetStreamOptions.MaxDeliver"/>
/// deliveries; then, or on <see cref="MicroDeadLetterException"/>, an unreadable message or a passed deadline, the message
/// goes to the dead-letter subject (<see cref="JetStreamDeadLetters"/>) and is terminated.
/// </summary>
internal sealed partial class JetStreamSubscription : IBrokerSubscription
{
    private static readonly AsyncLocal<JetStreamSubscription?> InHandler = new();
    private static readonly TimeSpan PullExpiry = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PullHeartbeat = TimeSpan.FromSeconds(2);
    private readonly JetStreamBroker _broker;
    private readonly INatsJSConsumer _consumer;
    private readonly BrokerHandler _handler;
    private readonly NatsJetStreamOptions _options;
    private readonly JetStreamDeadLetters _deadLetters;
    private readonly CancellationTokenSource _fetching = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger<JetStreamSubscription> _logger;
    private readonly Task _loop;
    private int _unsubscribed;

    public JetStreamSubscription(JetStreamBroker broker, INatsJSConsumer consumer, string consumerName, string topic, string? queue, BrokerHandler handler, ILogger<JetStreamSubscription> logger)
    {
        _broker = broker;
        _consumer = consumer;
        _handler = handler;
        _logger = logger;
        _options = broker.Topology.Options;
        ConsumerName = consumerName;
        Topic = topic;
        Queue = queue;
        _deadLetters = new JetStreamDeadLetters(broker, consumerName);
        _loop = Task.Run(RunAsync);
    }

    public string Topic { get; }

    public string? Queue { get; }

    public string ConsumerName { get; }

    public async ValueTask UnsubscribeAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _unsubscribed, 1) != 0)
        {
            return;
        }

        // Stops fetching; the message being handled finishes and is settled; the fetched ones are given back (nak).
        // Waiting for that keeps the connection open until the naks are out (the app disposes it next), except when a
        // handler of this subscription unsubscribes it: the loop waits for that handler.
        await _fetching.CancelAsync().ConfigureAwait(false);
        if (InHandler.Value != this)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await UnsubscribeAsync().ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _fetching.Dispose();
        _stopping.Dispose();
    }

    private async Task RunAsync()
    {
        var consumer = _consumer;
        while (!_fetching.IsCancellationRequested)
        {
            try
            {
                // Short pull requests: after a server restart the pending pull is gone, and the next one (or the missed
                // heartbeat) is what resumes delivery, so this bounds how long a subscription stalls.
                // Unsubscribing drains: the messages already fetched are still enumerated, and given back at once (nak)
                // rather than left to AckWait, so other members of the queue group (or this app, restarted) get them now.
                var opts = new NatsJSConsumeOpts { MaxMsgs = _options.Prefetch, Expires = PullExpiry, IdleHeartbeat = PullHeartbeat, DrainOnCancel = true };
                await foreach (var message in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, opts, _fetching.Token).ConfigureAwait(false))
                {
                    if (_fetching.IsCancellationRequested)
                    {
                        await SettleAsync(message.NakAsync(cancellationToken: CancellationToken.None), "nak").ConfigureAwait(false);
                        continue;
                    }

                    await HandleAsync(message).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (_fetching.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogConsumeFailed(ConsumerName, ex.Message);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), _broker.TimeProvider, _fetching.Token).ConfigureAwait(false);
                    consumer = await _broker.Topology.EnsureConsumerAsync(ConsumerName, Topic, _fetching.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (_fetching.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception retry)
                {
                    LogConsumeFailed(ConsumerName, retry.Message);
                }
            }
        }
    }

    private async Task HandleAsync(INatsJSMsg<byte[]> delivery)
    {
        var deliveries = (int)Math.Min(delivery.Metadata?.NumDelivered ?? 1, int.MaxValue);
        if (!NatsWireFormat.TryDecode(delivery.Headers, delivery.Data, out var message, out var error, deliveries, dropNatsHeaders: true))
        {
            _broker.Metrics.Dropped(_broker.Name, Topic, "malformed");
            await DeadLetterAsync(delivery, null, deliveries, $"malformed: {error}").ConfigureAwait(false);
            return;
        }

        if (deliveries > _options.MaxDeliver)
        {
            // The last allowed delivery was never settled (the subscriber died or took longer than AckWait).
            await DeadLetterAsync(delivery, message, deliveries, $"not acknowledged after {_options.MaxDeliver} deliveries (MaxDeliver); the last ones timed out (AckWait {_options.AckWait.TotalSeconds:0.###} s)").ConfigureAwait(false);
            return;
        }

        var deadline = Deadline(message);
        var now = _broker.TimeProvider.GetUtcNow();
        if (deadline <= now)
        {
            await DeadLetterAsync(delivery, message, deliveries, $"deadline {JetStreamBroker.Format(deadline.Value)} passed before the message was handled").ConfigureAwait(false);
            return;
        }

        using var handling = deadline is { } d ? new CancellationTokenSource(d - now, _broker.TimeProvider) : null;
        using var linked = handling is null ? null : CancellationTokenSource.CreateLinkedTokenSource(handling.Token, _stopping.Token);
        try
        {
            InHandler.Value = this;
            await _handler(Topic, message, linked?.Token ?? _stopping.Token).ConfigureAwait(false);
        }
        catch (MicroDeadLetterException ex)
        {
            await DeadLetterAsync(delivery, message, deliveries, ex.Message).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (handling?.IsCancellationRequested == true && !_stopping.IsCancellationRequested)
        {
            await DeadLetterAsync(delivery, message, deliveries, $"deadline {JetStreamBroker.Format(deadline!.Value)} passed while the message was handled").ConfigureAwait(false);
            return;
        }
        catch (MicroException ex) when (ex.Code is 400 or 415 && ex.Id == "go.micro.broker")
        {
            // The body cannot become the subscriber's message type: no retry can change that.
            await DeadLetterAsync(delivery, message, deliveries, ex.Detail ?? ex.Message).ConfigureAwait(false);
            return;
        }
        catch (Exception ex)
        {
            await FailedAsync(delivery, message, deliveries, ex).ConfigureAwait(false);
            return;
        }

        await SettleAsync(delivery.AckAsync(cancellationToken: CancellationToken.None), "ack").ConfigureAwait(false);
        _broker.Metrics.Delivered(_broker.Name, Topic);
    }

    private async Task FailedAsync(INatsJSMsg<byte[]> delivery, BrokerMessage message, int deliveries, Exception ex)
    {
        if (_stopping.IsCancellationRequested)
        {
            // Shutting down: give it back at once, to another member or to this app when it is back.
            await SettleAsync(delivery.NakAsync(cancellationToken: CancellationToken.None), "nak").ConfigureAwait(false);
            return;
        }

        if (deliveries >= _options.MaxDeliver)
        {
            await DeadLetterAsync(delivery, message, deliveries, $"failed {deliveries} deliveries (MaxDeliver {_options.MaxDeliver}); last error: {ex.GetType().Name}: {ex.Message}").ConfigureAwait(false);
            return;
        }

        var delay = _options.BackoffFor(deliveries);
        _broker.Metrics.DeliveryRetried(_broker.Name, Topic);
        LogRedelivery(Topic, message.GetHeader("Micro-Id"), deliveries, _options.MaxDeliver, delay.TotalSeconds, ex.Message);
        await SettleAsync(delivery.NakAsync(new AckOpts { NakDelay = delay }, CancellationToken.None), "nak").ConfigureAwait(false);
    }

    private async Task DeadLetterAsync(INatsJSMsg<byte[]> delivery, BrokerMessage? message, int deliveries, string reason)
    {
        try
        {
            await _deadLetters.PublishAsync(delivery, message, deliveries, reason, _stopping.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
        {
            // Never settle a message that is not safely on the dead-letter subject: it comes back and is tried again.
            LogDeadLetterFailed(Topic, reason, ex.Message);
            await SettleAsync(delivery.NakAsync(new AckOpts { NakDelay = _options.BackoffFor(1) }, CancellationToken.None), "nak").ConfigureAwait(false);
            return;
        }

        _broker.Metrics.DeliveryFailed(_broker.Name, Topic);
        LogDeadLettered(Topic, message?.GetHeader("Micro-Id"), _broker.Topology.DeadLetterSubject(Topic), reason);
        await SettleAsync(delivery.AckTerminateAsync(cancellationToken: CancellationToken.None), "term").ConfigureAwait(false);
    }

    private async Task SettleAsync(ValueTask settle, string what)
    {
        try
        {
            await settle.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The server redelivers after AckWait: at least once, never lost.
            LogSettleFailed(what, Topic, ex.Message);
        }
    }

    private static DateTimeOffset? Deadline(BrokerMessage message)
        => message.GetHeader(JetStreamHeaders.Deadline) is { } text
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var deadline)
            ? deadline
            : null;
}
