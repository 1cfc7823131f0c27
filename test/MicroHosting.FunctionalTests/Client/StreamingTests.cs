using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static MicroHosting.Tests.Client.StreamingNumbers;

namespace MicroHosting.Tests.Client;

/// <summary>The three stream kinds through <see cref="IMicroClient"/> by service name: messages, errors, cancellation, deadline, codecs.</summary>
public sealed class StreamingTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private readonly StreamingNumbers _numbers = new();
    private WebApplication _app = null!;
    private ServiceProvider _services = null!;
    private IMicroClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await _numbers.StartAsync(_registry);
        _services = TestClient.Create(_registry, new() { ["Micro:Name"] = "caller" });
        _client = _services.GetRequiredService<IMicroClient>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _app.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task ServerStreamAsync_ByServiceName_YieldsEveryMessageInOrder()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(1000)).CollectAsync();

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(0, 1000), items.Select(n => n.Value));
    }

    [Fact]
    public async Task ServerStreamAsync_EmptyStream_EndsWithoutMessages()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(0)).CollectAsync();

        Assert.Null(error);
        Assert.Empty(items);
    }

    [Fact]
    public async Task ClientStreamAsync_ByServiceName_SendsEveryMessageAndReturnsTheReply()
    {
        var sum = await _client.ClientStreamAsync<Number, Number>(Service, "Numbers.Sum", Range(1, 100));

        Assert.Equal(5050, sum.Value);
        Assert.Equal(100, _numbers.Consumed);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_ByServiceName_RepliesWhileStillSending()
    {
        await using var stream = await _client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Double");
        await using var replies = stream.ReadAllAsync().GetAsyncEnumerator();
        for (var i = 0; i < 5; i++)
        {
            await stream.SendAsync(new Number(i));
            Assert.True(await replies.MoveNextAsync());
            Assert.Equal(i * 2, replies.Current.Value);
        }

        await stream.CompleteAsync();
        await stream.CompleteAsync(); // a second completion is harmless

        Assert.False(await replies.MoveNextAsync());
        Assert.Equal(TestClient.NodeId(_app), stream.Node.Id);
        Assert.Equal(1, stream.Attempts);
    }

    [Fact]
    public async Task ServerStreamAsync_HandlerThrowsMidStream_MicroExceptionCarriesTheErrorJson()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Fail", new CountRequest(3)).CollectAsync();

        Assert.Equal([0, 1, 2], items.Select(n => n.Value));
        var micro = Assert.IsType<MicroException>(error);
        Assert.Equal(Service, micro.Id);
        Assert.Equal(409, micro.Code);
        Assert.Equal("ran out at 3", micro.Detail);
        Assert.Equal("Conflict", micro.Status);
    }

    [Fact]
    public async Task ServerStreamAsync_CallerCancels_ServerEnumerationEnds()
    {
        using var cts = new CancellationTokenSource();
        var read = 0;
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(int.MaxValue, DelayMs: 10), cancellationToken: cts.Token))
            {
                if (++read == 3)
                {
                    await cts.CancelAsync();
                }
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(cts.Token, ex.CancellationToken);
        await _numbers.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServerStreamAsync_CallerStopsEnumerating_ServerEnumerationEnds()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(int.MaxValue, DelayMs: 10)).CollectAsync(max: 3);

        Assert.Null(error);
        Assert.Equal(3, items.Count);
        await _numbers.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServerStreamAsync_Timeout_IsTheDeadlineOfTheWholeStream()
    {
        // The client's clock is a fake one, moved past the deadline once messages flow: on the real clock a loaded
        // machine could spend the 2 s before the first message (or stretch the wall-clock bound this used to assert).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Name"] = "caller" }, s => s.AddSingleton<TimeProvider>(time));
        var options = new MicroCallOptions { Timeout = TimeSpan.FromSeconds(2) };
        await using var replies = services.GetRequiredService<IMicroClient>()
            .ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(int.MaxValue, DelayMs: 20), options).GetAsyncEnumerator();
        Assert.True(await replies.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))); // messages flow

        time.Advance(TimeSpan.FromSeconds(2));
        var (_, error) = await replies.RestOf().CollectAsync();

        var micro = Assert.IsType<MicroException>(error);
        Assert.Equal(408, micro.Code); // then the deadline ended the stream, which has no end of its own
        await _numbers.HandlerEnded.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ServerStreamAsync_NoTimeout_StreamOutlivesTheRequestTimeout()
    {
        // The client's clock is a fake one that jumps far past the request timeout once the stream is open: on the real
        // clock a loaded machine could spend the timeout on opening (which it does bound) instead of on the stream.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:RequestTimeout"] = "00:00:01" }, s => s.AddSingleton<TimeProvider>(time));
        var client = services.GetRequiredService<IMicroClient>();
        await using var replies = client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(30, DelayMs: 50)).GetAsyncEnumerator();
        Assert.True(await replies.MoveNextAsync());

        time.Advance(TimeSpan.FromMinutes(1));
        var (items, error) = await replies.RestOf().CollectAsync();

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(1, 29), items.Select(n => n.Value));
    }

    [Fact]
    public async Task ServerStreamAsync_ProtobufMessages_TravelAsProtobuf()
    {
        var (items, error) = await _client.ServerStreamAsync<EchoRequest, EchoReply>(Service, "Numbers.ProtoCount", new EchoRequest { Number = 5 }).CollectAsync();

        Assert.Null(error);
        Assert.Equal([0L, 1L, 2L, 3L, 4L], items.Select(r => r.Number));
        Assert.All(items, r => Assert.Equal("application/protobuf", r.Text));
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_JsonContentType_ProtobufMessagesTravelAsJson()
    {
        await using var stream = await _client.OpenDuplexStreamAsync<EchoRequest, EchoReply>(
            Service, "Numbers.ProtoEcho", new MicroCallOptions { ContentType = "application/json" });
        await stream.SendAsync(new EchoRequest { Number = 7, Text = "seven" });
        await stream.CompleteAsync();

        var (items, error) = await stream.ReadAllAsync().CollectAsync();

        Assert.Null(error);
        var reply = Assert.Single(items);
        Assert.Equal(7, reply.Number);
        Assert.Equal("seven", reply.Text);
        Assert.Equal("application/json", Assert.Single(reply.Tags));
    }

    [Fact]
    public async Task ServerStreamAsync_Metadata_ReachesTheHandlerWithTheCallersName()
    {
        var options = new MicroCallOptions { Metadata = new Dictionary<string, string> { ["X-Tenant"] = "acme" } };

        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Metadata", new CountRequest(0), options).CollectAsync();

        Assert.Null(error);
        Assert.Equal(["acme", "caller", "no deadline"], items.Select(n => n.Text));
    }

    [Fact]
    public async Task ServerStreamAsync_InsideAHandler_InheritsMetadataDeadlineAndServiceName()
    {
        await using var gateway = await MicroTestHost.StartAsync(
            "gateway",
            app => app.MapMicroHandler("Gateway.Relay", async (HelloRequest r, CancellationToken ct) =>
            {
                var client = app.Services.GetRequiredService<IMicroClient>();
                var texts = new List<string?>();
                await foreach (var n in client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Metadata", new CountRequest(0), cancellationToken: ct))
                {
                    texts.Add(n.Text);
                }

                return new HelloReply(string.Join(",", texts));
            }),
            _registry,
            configureBuilder: b => b.Configuration["Micro:Client:PropagatedHeaders:0"] = "X-Tenant"); // not Micro-*: passed on because it is listed
        var options = new MicroCallOptions { Metadata = new Dictionary<string, string> { ["X-Tenant"] = "acme" } };

        var reply = await _client.CallAsync<HelloRequest, HelloReply>("gateway", "Gateway.Relay", new HelloRequest("x"), options);

        Assert.Equal("acme,gateway,deadline", reply.Message);
    }

    [Fact]
    public async Task ClientStreamAsync_ReplyBeforeTheRequestsEnd_StopsSendingAndReturnsTheReply()
    {
        var producerCancelled = new TaskCompletionSource();

        var first = await _client.ClientStreamAsync<Number, Number>(Service, "Numbers.FirstOnly", Endless(producerCancelled)).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, first.Value);
        await producerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ClientStreamAsync_SendingFails_ErrorAndTheProducersTokenIsCancelled()
    {
        // A send that fails ends the sending as a reply that comes first does: the producer hears it through its token
        // (before its enumerator is disposed), not only by being disposed. Here the second message cannot be encoded.
        var producerCancelled = new TaskCompletionSource();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => _client.ClientStreamAsync<Fragile, Number>(
            Service, "Numbers.Sum", FragileAfterOne(producerCancelled)).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("not encodable", ex.Message);
        await producerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ClientStreamAsync_RequestsThrow_StreamIsAbortedAndTheExceptionSurfaces()
    {
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(
            () => _client.ClientStreamAsync<Number, Number>(Service, "Numbers.TakeOneThenWait", Failing(after: 3, () => _numbers.Consumed > 0)).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("the producer failed", ex.Message);
        await _numbers.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ClientStreamAsync_HandlerFails_MicroExceptionCarriesTheErrorJsonAndSendingStops()
    {
        var ex = await Assert.ThrowsAsync<MicroException>(
            () => _client.ClientStreamAsync<Number, Number>(Service, "Numbers.Positive", Repeat(new Number(-1))).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(Service, ex.Id);
        Assert.Equal(400, ex.Code);
        Assert.Equal("-1 is negative", ex.Detail);
    }

    [Fact]
    public async Task TypedClient_Streams_GoToItsServiceWithItsDefaults()
    {
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClient<MicroServiceClient>(Service, o => o.Timeout = TimeSpan.FromSeconds(5))); // ample for the finite streams on a loaded machine
        var client = services.GetRequiredService<MicroServiceClient>();

        var (items, error) = await client.ServerStreamAsync<CountRequest, Number>("Numbers.Count", new CountRequest(5)).CollectAsync();
        var sum = await client.ClientStreamAsync<Number, Number>("Numbers.Sum", Range(1, 10));
        await using var duplex = await client.OpenDuplexStreamAsync<Number, Number>("Numbers.Double");
        await duplex.SendAsync(new Number(21));
        await duplex.CompleteAsync();
        var doubled = await duplex.ReadAllAsync().CollectAsync();
        var (_, timedOut) = await client.ServerStreamAsync<CountRequest, Number>("Numbers.Count", new CountRequest(int.MaxValue, DelayMs: 20)).CollectAsync();

        Assert.Null(error);
        Assert.Equal(5, items.Count);
        Assert.Equal(55, sum.Value);
        Assert.Equal(42, Assert.Single(doubled.Items).Value);
        Assert.Equal(408, Assert.IsType<MicroException>(timedOut).Code); // the typed client's timeout is the stream's deadline
    }

    [Fact]
    public async Task ServerStreamAsync_UnaryEndpoint_RefusedWithAClearError()
    {
        var (_, error) = await _client.ServerStreamAsync<HelloRequest, HelloReply>(Service, "Numbers.Hello", new HelloRequest("x")).CollectAsync();

        var micro = Assert.IsType<MicroException>(error);
        Assert.InRange(micro.Code, 400, 499);
        Assert.Contains("Numbers.Hello", micro.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreamAsync_UnknownEndpoint_RefusedWithAClearError()
    {
        var (_, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Nope", new CountRequest(1)).CollectAsync();

        var micro = Assert.IsType<MicroException>(error);
        Assert.InRange(micro.Code, 400, 499);
        Assert.Contains("Numbers.Nope", micro.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreamAsync_UnknownService_NodeNotFound()
    {
        var (_, error) = await _client.ServerStreamAsync<CountRequest, Number>("nobody", "Numbers.Count", new CountRequest(1)).CollectAsync();

        Assert.IsType<MicroNodeNotFoundException>(error);
    }

    [Fact]
    public async Task ServerStreamAsync_OnlyGoMicroNodes_NodeNotFoundSaysStreamsNeedMicroHosting()
    {
        await _registry.RegisterAsync(
            new MicroService { Name = "gosvc", Nodes = [new MicroNode { Id = "gosvc-1", Address = "127.0.0.1", Port = 1, Metadata = new Dictionary<string, string> { ["protocol"] = "mucp" } }] },
            TimeSpan.FromMinutes(1));

        var (_, error) = await _client.ServerStreamAsync<CountRequest, Number>("gosvc", "Numbers.Count", new CountRequest(1)).CollectAsync();

        var notFound = Assert.IsType<MicroNodeNotFoundException>(error);
        Assert.Contains("streams need MicroHosting nodes", notFound.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ServerStreamAsync_BadEndpointName_ThrowsAtOnce()
    {
        Assert.Throws<ArgumentException>(() => _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers/Count", new CountRequest(1)));
    }

    [Theory]
    [InlineData("Bad.Text", "not error JSON")]
    [InlineData("Bad.Garbage", "not valid application/json")]
    [InlineData("Bad.Close", "closed the stream with 1011")]
    public async Task ServerStreamAsync_MisbehavingServer_MicroExceptionNamesTheNode(string endpoint, string expected)
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, endpoint, new CountRequest(1)).CollectAsync();

        Assert.Empty(items);
        var micro = Assert.IsType<MicroException>(error);
        Assert.Equal(MicroClientErrors.Id, micro.Id);
        Assert.Equal(500, micro.Code);
        Assert.Contains(expected, micro.Detail, StringComparison.Ordinal);
        Assert.Contains(TestClient.NodeId(_app), micro.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreamAsync_MessageOverTheClientsLimit_Fails413()
    {
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:MaxStreamMessageSize"] = "1024" });
        var client = services.GetRequiredService<IMicroClient>();

        var (_, error) = await client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(1, Size: 4096)).CollectAsync();

        var micro = Assert.IsType<MicroException>(error);
        Assert.Equal(413, micro.Code);
        Assert.Contains("MaxStreamMessageSize", micro.Detail, StringComparison.Ordinal);
    }

    private static async IAsyncEnumerable<Number> Range(int from, int count)
    {
        for (var i = from; i < from + count; i++)
        {
            await Task.Yield();
            yield return new Number(i);
        }
    }

    private static async IAsyncEnumerable<T> Repeat<T>(T value, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (true)
        {
            await Task.Delay(10, cancellationToken);
            yield return value;
        }
    }

    private static async IAsyncEnumerable<Number> Endless(TaskCompletionSource cancelled, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        for (var i = 0; ; i++)
        {
            await Task.Delay(10, cancellationToken);
            yield return new Number(i);
        }
    }

    private static async IAsyncEnumerable<Number> Failing(int after, Func<bool> handlerTookOne)
    {
        for (var i = 0; i < after; i++)
        {
            await Task.Yield();
            yield return new Number(i);
        }

        // Fails only once the handler holds its message (waited for, not assumed), so the failure meets a running call.
        Assert.True(await Poll.UntilAsync(handlerTookOne, TimeSpan.FromSeconds(30)), "the handler never took a message");
        throw new InvalidOperationException("the producer failed");
    }

    private static async IAsyncEnumerable<Fragile> FragileAfterOne(TaskCompletionSource cancelled, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        await Task.Yield();
        yield return new Fragile(1);
        yield return new Fragile(-1);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>A message whose JSON encoding throws for a negative value.</summary>
    public sealed record Fragile(int Value)
    {
        public int Checked => Value >= 0 ? Value : throw new InvalidOperationException("not encodable");
    }
}
