using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using static MicroHosting.Tests.Client.StreamingNumbers;

namespace MicroHosting.Tests.Client;

/// <summary>Streams through the client under load: many messages, big messages, slow consumers on either side, shutdown.</summary>
public sealed class StreamingLoadTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly StreamingNumbers _numbers = new();
    private int _sent;

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ServerStreamAsync_100kProtobufMessages_AllArriveInOrder()
    {
        await using var app = await _numbers.StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var expected = 0L;
        await foreach (var reply in client.ServerStreamAsync<EchoRequest, EchoReply>(Service, "Numbers.ProtoCount", new EchoRequest { Number = 100_000 }))
        {
            Assert.Equal(expected++, reply.Number);
        }

        Assert.Equal(100_000, expected);
    }

    [Fact]
    public async Task ClientStreamAsync_100kMessages_EveryOneArrives()
    {
        await using var app = await _numbers.StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var sum = await client.ClientStreamAsync<Number, Number>(Service, "Numbers.Sum", Ones(100_000)).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(100_000, sum.Value);
        Assert.Equal(100_000, _numbers.Consumed);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_LargeMessages_RoundTrip()
    {
        await using var app = await _numbers.StartAsync(_registry, maxRequestBodySize: 8 * 1024 * 1024);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        var big = new string('m', 4 * 1024 * 1024);

        await using var stream = await client.OpenDuplexStreamAsync<EchoRequest, EchoReply>(Service, "Numbers.ProtoEcho");
        var reading = stream.ReadAllAsync().CollectAsync();
        await stream.SendAsync(new EchoRequest { Text = big, Number = 1 });
        await stream.SendAsync(new EchoRequest { Text = big, Number = 2 });
        await stream.CompleteAsync();
        var (items, error) = await reading;

        Assert.Null(error);
        Assert.Equal([1L, 2L], items.Select(r => r.Number));
        Assert.All(items, r => Assert.Equal(big, r.Text));
    }

    [Fact]
    public async Task ServerStreamAsync_SlowConsumer_ProducerStaysBounded()
    {
        await using var app = await _numbers.StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        await using var replies = client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(1_000_000, Size: 16 * 1024)).GetAsyncEnumerator();
        for (var i = 0; i < 10; i++)
        {
            Assert.True(await replies.MoveNextAsync());
        }

        await Task.Delay(TimeSpan.FromSeconds(1));
        var producedWhileIdle = _numbers.Produced;

        // Without flow control the handler would have produced the whole 16 GB by now; TCP's window and the
        // WebSockets' buffers keep it at most some 30 MB (2,000 messages) ahead of the reader.
        Assert.InRange(producedWhileIdle, 10, 2_000);
        Assert.True(await replies.MoveNextAsync());
        Assert.Equal(10, replies.Current.Value);
    }

    [Fact]
    public async Task ClientStreamAsync_SlowServer_ProducerStaysBounded()
    {
        await using var app = await _numbers.StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        using var cts = new CancellationTokenSource();

        var call = client.ClientStreamAsync<Number, Number>(Service, "Numbers.TakeOneThenWait", Counted(1_000_000, 16 * 1024), cancellationToken: cts.Token);
        // Waits for the handler to take its message, then for the producer to stall (an unbounded one never does).
        Assert.True(await Poll.UntilAsync(() => _numbers.Consumed > 0, TimeSpan.FromSeconds(30)));
        var sentWhileServerWaits = await Poll.SettledAsync(() => Volatile.Read(ref _sent), quiet: TimeSpan.FromSeconds(1), within: TimeSpan.FromSeconds(30));
        await cts.CancelAsync();

        // The handler took one message and waits: what the client could send is bounded by the socket buffers and
        // Kestrel's request buffer, some 30 MB (2,000 messages) at most, not the million messages on offer.
        Assert.Equal(1, _numbers.Consumed);
        Assert.InRange(sentWhileServerWaits, 1, 2_000);

        // Cancelling ends the call at once, even though the node is not reading.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task ServerStreamAsync_ServerShutsDown_StreamEndsWith503()
    {
        var app = await _numbers.StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        await using var replies = client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(int.MaxValue, DelayMs: 20)).GetAsyncEnumerator();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await replies.MoveNextAsync());
        }

        var stopping = app.StopAsync();
        var ex = await Assert.ThrowsAsync<MicroException>(async () =>
        {
            while (await replies.MoveNextAsync())
            {
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));
        await stopping.WaitAsync(TimeSpan.FromSeconds(30));
        await app.DisposeAsync();

        Assert.Equal(503, ex.Code);
        Assert.Equal(Service, ex.Id);
    }

    private static async IAsyncEnumerable<Number> Ones(int count)
    {
        for (var i = 0; i < count; i++)
        {
            if (i % 1000 == 0)
            {
                await Task.Yield();
            }

            yield return new Number(1);
        }
    }

    private async IAsyncEnumerable<Number> Counted(int count, int size)
    {
        var padding = new string('c', size);
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            Interlocked.Increment(ref _sent);
            yield return new Number(i, padding);
        }
    }
}
