using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MicroHosting.Benchmarks.PubSub;

/// <summary>
/// The JetStream baseline: NATS.Net alone with the settings the jetstream broker uses: a file stream with a 2 min duplicate
/// window, each publish awaiting the stream's acknowledgement with a <c>Nats-Msg-Id</c>, a durable pull consumer with
/// explicit acks (64 prefetched, 1000 pending at most), each message acknowledged after the handler.
/// </summary>
internal sealed class RawJetStreamTarget(string url) : PubSubTarget
{
    private readonly NatsConnection _publisher = new(new NatsOpts { Url = url });
    private readonly NatsConnection _subscriber = new(new NatsOpts { Url = url });
    private readonly CancellationTokenSource _stop = new();
    private NatsJSContext? _js;
    private Task? _loop;

    public override async Task SubscribeAsync(Action<ReadOnlyMemory<byte>> onMessage, CancellationToken cancellationToken)
    {
        _js = new NatsJSContext(_publisher);
        await _js.CreateStreamAsync(new StreamConfig("RAW", [Topic]) { Storage = StreamConfigStorage.File, DuplicateWindow = TimeSpan.FromMinutes(2) }, cancellationToken).ConfigureAwait(false);
        var consumer = await new NatsJSContext(_subscriber).CreateOrUpdateConsumerAsync(
            "RAW",
            new ConsumerConfig("raw") { FilterSubject = Topic, AckPolicy = ConsumerConfigAckPolicy.Explicit, MaxAckPending = 1000, MaxDeliver = -1 },
            cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(
            async () =>
            {
                var opts = new NatsJSConsumeOpts { MaxMsgs = 64, Expires = TimeSpan.FromSeconds(5), IdleHeartbeat = TimeSpan.FromSeconds(2) };
                await foreach (var message in consumer.ConsumeAsync<byte[]>(opts: opts, cancellationToken: _stop.Token).ConfigureAwait(false))
                {
                    onMessage(message.Data);
                    await message.AckAsync(cancellationToken: CancellationToken.None).ConfigureAwait(false);
                }
            },
            CancellationToken.None);
    }

    public override async ValueTask PublishAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var headers = new NatsHeaders { ["Content-Type"] = "application/octet-stream" };
        var ack = await _js!.PublishAsync(Topic, body, opts: new NatsJSPubOpts { MsgId = Guid.NewGuid().ToString() }, headers: headers, cancellationToken: cancellationToken).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

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
