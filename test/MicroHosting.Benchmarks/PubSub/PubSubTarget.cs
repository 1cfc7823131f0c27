namespace MicroHosting.Benchmarks.PubSub;

/// <summary>One publish/subscribe path: subscribe once, then publish; every delivered body is handed to the sink.</summary>
internal abstract class PubSubTarget : IAsyncDisposable
{
    public const string Topic = "bench.events";

    /// <summary>Subscribes to <see cref="Topic"/>; <paramref name="onMessage"/> sees each delivered body.</summary>
    public abstract Task SubscribeAsync(Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken);

    /// <summary>Publishes one body to <see cref="Topic"/>.</summary>
    public abstract ValueTask PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();
}
