using System.Threading.Channels;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// One topic's bounded outbound queue and its worker, which delivers up to
/// <see cref="HttpBrokerOptions.MaxConcurrentDeliveriesPerTopic"/> messages at a time. A message enqueued with a
/// completion source learns its fate: delivered, or why not (dropped, abandoned at shutdown, no subscriber took it).
/// </summary>
internal sealed class HttpBrokerTopicQueue
{
    private readonly Channel<Item> _channel;
    private readonly SemaphoreSlim _slots;
    private readonly InFlightCounter _inFlight = new();
    private readonly Func<byte[], CancellationToken, Task> _deliver;
    private readonly Task _worker;

    public HttpBrokerTopicQueue(HttpBrokerOptions options, Func<byte[], CancellationToken, Task> deliver, Action onDropped, CancellationToken stopping)
    {
        var channelOptions = new BoundedChannelOptions(options.MaxQueuedMessagesPerTopic)
        {
            SingleReader = true,
            FullMode = options.OverflowPolicy switch
            {
                HttpBrokerOverflowPolicy.DropNewest => BoundedChannelFullMode.DropWrite,
                HttpBrokerOverflowPolicy.Wait => BoundedChannelFullMode.Wait,
                _ => BoundedChannelFullMode.DropOldest,
            },
        };
        _channel = Channel.CreateBounded<Item>(channelOptions, item =>
        {
            item.Done?.TrySetException(new HttpBrokerDeliveryException($"the outbound queue was full ({options.MaxQueuedMessagesPerTopic} messages) and the message was dropped (overflow policy {options.OverflowPolicy})", null));
            onDropped();
        });
        _slots = new SemaphoreSlim(options.MaxConcurrentDeliveriesPerTopic);
        _deliver = deliver;
        _worker = Task.Run(() => RunAsync(stopping));
    }

    public int Count => _channel.Reader.Count;

    /// <summary>Messages not delivered yet: queued, and on their way.</summary>
    public int Pending => _channel.Reader.Count + _inFlight.Count;

    /// <summary>Queues a message; <paramref name="done"/>, when given, completes once it was delivered or failed.</summary>
    public ValueTask EnqueueAsync(byte[] envelope, TaskCompletionSource? done, CancellationToken cancellationToken)
    {
        var item = new Item(envelope, done);
        if (_channel.Writer.TryWrite(item))
        {
            return ValueTask.CompletedTask;
        }

        return _channel.Writer.WriteAsync(item, cancellationToken);
    }

    /// <summary>Accepts nothing more and completes once every queued message was delivered or given up.</summary>
    public Task CompleteAsync()
    {
        _channel.Writer.TryComplete();
        return _worker;
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            // A message leaves the queue only when a delivery slot is free, so the queue bound is what waits.
            var reader = _channel.Reader;
            while (await reader.WaitToReadAsync(stopping).ConfigureAwait(false))
            {
                await _slots.WaitAsync(stopping).ConfigureAwait(false);
                if (!reader.TryRead(out var item))
                {
                    _slots.Release();
                    continue;
                }

                _inFlight.Enter();
                _ = DeliverAsync(item, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: whatever is still queued is abandoned, and its publishers told so.
            while (_channel.Reader.TryRead(out var item))
            {
                item.Done?.TrySetException(new HttpBrokerDeliveryException("the broker stopped before the message was delivered", null));
            }
        }

        await _inFlight.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DeliverAsync(Item item, CancellationToken stopping)
    {
        try
        {
            await _deliver(item.Envelope, stopping).ConfigureAwait(false);
            item.Done?.TrySetResult();
        }
        catch (Exception ex)
        {
            // The delivery path logs and counts its own failures; a worker never dies of one message.
            item.Done?.TrySetException(ex is HttpBrokerDeliveryException ? ex : new HttpBrokerDeliveryException(ex.Message, ex));
        }
        finally
        {
            _slots.Release();
            _inFlight.Exit();
        }
    }

    private readonly record struct Item(byte[] Envelope, TaskCompletionSource? Done);
}
