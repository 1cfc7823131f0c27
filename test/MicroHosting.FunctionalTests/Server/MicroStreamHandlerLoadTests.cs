using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Tests.Server;

/// <summary>Streams under load: many messages, big messages, a slow consumer, and shutdown with streams open.</summary>
public sealed class MicroStreamHandlerLoadTests
{
    private int _produced;

    [Fact]
    public async Task ServerStream_100kProtobufMessages_AllArriveInOrder()
    {
        await using var app = await MicroTestHost.StartAsync("load", a => a.MapMicroHandler("Load.Count", (EchoRequest r, CancellationToken ct) => Produce((int)r.Number, 0, ct)));
        await using var client = await StreamClient.ConnectAsync(app.BaseAddress(), "/Load/Count", "application/protobuf");
        await client.SendAsync(new EchoRequest { Number = 100_000 }.ToByteArray());

        var (messages, error, status) = await client.ReadToEndAsync();

        Assert.Null(error);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(100_000, messages.Count);
        Assert.Equal(99_999, EchoReply.Parser.ParseFrom(messages[^1]).Number);
        Assert.True(messages.Select(m => EchoReply.Parser.ParseFrom(m).Number).SequenceEqual(Enumerable.Range(0, 100_000).Select(i => (long)i)));
    }

    [Fact]
    public async Task BidiStream_LargeMessages_RoundTrip()
    {
        await using var app = await MicroTestHost.StartAsync(
            "load",
            a => a.MapMicroHandler("Load.Echo", (IAsyncEnumerable<EchoRequest> input) => Echo(input)),
            configureOptions: o => o.MaxRequestBodySize = 8 * 1024 * 1024);
        await using var client = await StreamClient.ConnectAsync(app.BaseAddress(), "/Load/Echo", "application/protobuf");
        var big = new string('m', 4 * 1024 * 1024);

        // A duplex caller reads while it writes: the echo of message 1 (4 MB) fills the socket buffers while message 2
        // is still being sent, so reading only after sending would deadlock on flow control (as it should).
        var reading = client.ReadToEndAsync();
        await client.SendAsync(new EchoRequest { Text = big, Number = 1 }.ToByteArray());
        await client.SendAsync(new EchoRequest { Text = big, Number = 2 }.ToByteArray());
        await client.CompleteAsync();

        var (messages, error, _) = await reading;

        Assert.Null(error);
        Assert.Equal([1L, 2L], messages.Select(m => EchoReply.Parser.ParseFrom(m).Number));
        Assert.All(messages, m => Assert.Equal(big.Length, EchoReply.Parser.ParseFrom(m).Text.Length));
    }

    [Fact]
    public async Task SlowConsumer_SlowsTheProducer_MemoryStaysBounded()
    {
        await using var app = await MicroTestHost.StartAsync("load", a => a.MapMicroHandler("Load.Flood", (EchoRequest r, CancellationToken ct) => Produce(1_000_000, 16 * 1024, ct)));
        await using var client = await StreamClient.ConnectAsync(app.BaseAddress(), "/Load/Flood", "application/protobuf");
        await client.SendAsync(new EchoRequest().ToByteArray());

        var (first, _, _) = await client.ReadToEndAsync(max: 10);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var producedWhileIdle = Volatile.Read(ref _produced);

        // Unbounded buffering would have produced ~16 GB by now; flow control keeps the producer at most a few
        // socket buffers (here at most ~32 MB) ahead of what the consumer took.
        Assert.Equal(10, first.Count);
        Assert.InRange(producedWhileIdle, 10, 2_000);
    }

    [Fact]
    public async Task Shutdown_EndsOpenStreamsWith503WithinTheShutdownTimeout()
    {
        var app = await MicroTestHost.StartAsync("load", a => a.MapMicroHandler("Load.Forever", (EchoRequest r, CancellationToken ct) => Produce(int.MaxValue, 0, ct, TimeSpan.FromMilliseconds(20))));
        await using var client = await StreamClient.ConnectAsync(app.BaseAddress(), "/Load/Forever", "application/protobuf");
        await client.SendAsync(new EchoRequest().ToByteArray());
        await client.ReadToEndAsync(max: 3);

        var stopping = app.StopAsync();
        var (_, error, status) = await client.ReadToEndAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
        await app.DisposeAsync();

        Assert.Equal(503, error!.Code);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, status);
    }

    private async IAsyncEnumerable<EchoReply> Produce(int count, int size, [EnumeratorCancellation] CancellationToken cancellationToken, TimeSpan delay = default)
    {
        var padding = new string('p', size);
        for (var i = 0; i < count; i++)
        {
            if (delay > TimeSpan.Zero)
            {
                await Task.Delay(delay, cancellationToken);
            }

            Interlocked.Increment(ref _produced);
            yield return new EchoReply { Number = i, Text = padding };
        }
    }

    private static async IAsyncEnumerable<EchoReply> Echo(IAsyncEnumerable<EchoRequest> input)
    {
        await foreach (var item in input)
        {
            yield return new EchoReply { Text = item.Text, Number = item.Number };
        }
    }
}
