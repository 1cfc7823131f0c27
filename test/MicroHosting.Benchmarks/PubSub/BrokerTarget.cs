using MicroHosting.Broker;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>A MicroHosting <see cref="IBroker"/> (NATS or http): publish and subscribe through the broker abstraction.</summary>
internal sealed class BrokerTarget(IBroker broker, Func<ValueTask> dispose) : PubSubTarget
{
    private static readonly KeyValuePair<string, string>[] Headers = [new("Content-Type", "application/octet-stream")];
    private IBrokerSubscription? _subscription;

    public override async Task SubscribeAsync(Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken)
        => _subscription = await broker.SubscribeAsync(
            Topic,
            (_, message, _) =>
            {
                onMessage(message.Body);
                return ValueTask.CompletedTask;
            },
            cancellationToken: cancellationToken).ConfigureAwait(false);

    public override ValueTask PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
        => broker.PublishAsync(Topic, new BrokerMessage(Headers, body), cancellationToken);

    public override async ValueTask DisposeAsync()
    {
        if (_subscription is not null)
        {
            await _subscription.DisposeAsync().ConfigureAwait(false);
        }

        await dispose().ConfigureAwait(false);
    }
}
