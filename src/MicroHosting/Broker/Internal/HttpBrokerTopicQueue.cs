using System.Threading.Channels;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// One topic's bounded outbound queue and its worker, which delivers up to
/// <see cref="HttpBrokerOptions.MaxConcurrentDeliveriesPerTopic"/> messages at a time.
/// </summary>
internal sealed class HttpBrokerTopicQueue
{
    private readonly Channel<byte[]> _channel;
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
        _channel = Channel.CreateBounded<byte[]>(channelOptions, _ => onDropped());
        _slots = new SemaphoreSlim(options.MaxConcurrentDeliveriesPerTopic);
        _deliver = deliver;
        _worker = Task.Run(() => RunAsync(stopping));
    }

    public int Count => _channel.Reader.Count;

    public ValueTask EnqueueAsync(byte[] envelope, CancellationToken cancellationToken)
    {
        if (_channel.Writer.TryWrite(envelope))
        {
            return ValueTask.CompletedTask;
        }

        return _channel.Writer.WriteAsync(envelope, cancellationToken);
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
                if (!reader.TryRead(out var envelope))
                {
                    _slots.Release();
                    continue;
                }

                _inFlight.Enter();
                _ = DeliverAsync(envelope, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopping: whatever is still queued is abandoned.
        }

        await _inFlight.WhenIdleAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DeliverAsync(byte[] envelope, CancellationToken stopping)
    {
        try
        {
            await _deliver(envelope, stopping).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The delivery path logs and counts its own failures; a worker never dies of one message.
        }
        finally
        {
            _slots.Release();
            _inFlight.Exit();
        }
    }
}
