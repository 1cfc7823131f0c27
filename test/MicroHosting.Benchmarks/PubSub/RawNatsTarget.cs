using NATS.Client.Core;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>
/// The baseline: NATS.Net publish and subscribe on the same server, nothing in between; with <paramref name="headers"/>,
/// each message carries the same header the broker rows send, in a new <see cref="NatsHeaders"/> as a caller would.
/// </summary>
internal sealed class RawNatsTarget(string url, bool headers = false) : PubSubTarget
{
    private readonly NatsConnection _publisher = new(new NatsOpts { Url = url });
    private readonly NatsConnection _subscriber = new(new NatsOpts { Url = url });
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public override async Task SubscribeAsync(Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken)
    {
        var subscription = await _subscriber.SubscribeCoreAsync<byte[]>(Topic, cancellationToken: cancellationToken).ConfigureAwait(false);
        await _subscriber.PingAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(
            async () =>
            {
                await using (subscription.ConfigureAwait(false))
                {
                    await foreach (var message in subscription.Msgs.ReadAllAsync(_stop.Token).ConfigureAwait(false))
                    {
                        onMessage(message.Data);
                    }
                }
            },
            CancellationToken.None);
    }

    public override ValueTask PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        => headers
            ? _publisher.PublishAsync(Topic, body, new NatsHeaders { ["Content-Type"] = "application/octet-stream" }, cancellationToken: cancellationToken)
            : _publisher.PublishAsync(Topic, body, cancellationToken: cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await _publisher.DisposeAsync().ConfigureAwait(false);
        await _subscriber.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
