using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static MicroHosting.Tests.Client.StreamingNumbers;

namespace MicroHosting.Tests.Client;

/// <summary>
/// The client's streams to <c>protocol=grpc</c> nodes, against a MicroHosting node with <c>Micro:Server=grpc</c>
/// (real Kestrel, HTTP/2): every stream kind is one gRPC call, its end the <c>grpc-status</c> trailer.
/// </summary>
public sealed class GrpcStreamClientTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private readonly StreamingNumbers _numbers = new();
    private WebApplication _app = null!;
    private ServiceProvider _services = null!;
    private IMicroClient _client = null!;

    public async Task InitializeAsync()
    {
        _app = await _numbers.StartAsync(_registry, grpc: true);
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
    public async Task ServerStreamAsync_GrpcNode_EveryMessageInOrderAndNoSkip()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(500)).CollectAsync();

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(0, 500), items.Select(n => n.Value));
        Assert.Equal(500, _numbers.Produced);
    }

    [Fact]
    public async Task ServerStreamAsync_EmptyStream_EndsWithoutMessages()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(0)).CollectAsync();

        Assert.Null(error);
        Assert.Empty(items);
    }

    [Fact]
    public async Task ClientStreamAsync_GrpcNode_SendsEveryMessageAndReturnsTheReply()
    {
        var sum = await _client.ClientStreamAsync<Number, Number>(Service, "Numbers.Sum", Numbers(Enumerable.Range(1, 100).ToArray()));

        Assert.Equal(5050, sum.Value);
        Assert.Equal(100, _numbers.Consumed);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_GrpcNode_RepliesWhileStillSending()
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

        Assert.False(await replies.MoveNextAsync());
        Assert.Equal(TestClient.NodeId(_app), stream.Node.Id);
        Assert.Equal(1, stream.Attempts);
    }

    [Fact]
    public async Task ServerStreamAsync_HandlerFailsMidStream_MessagesThenItsErrorFromTheTrailer()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Fail", new CountRequest(3)).CollectAsync();

        Assert.Equal([0, 1, 2], items.Select(n => n.Value));
        var ex = Assert.IsType<MicroException>(error);
        Assert.Equal(409, ex.Code);
        Assert.Equal("ran out at 3", ex.Detail);
        Assert.Equal(Service, ex.Id);
    }

    [Fact]
    public async Task ClientStreamAsync_HandlerRejectsAMessage_ItsErrorAndTheSendingStops()
    {
        var ex = await Assert.ThrowsAsync<MicroException>(() =>
            _client.ClientStreamAsync<Number, Number>(Service, "Numbers.Positive", Numbers(1, 2, -3, 4)));

        Assert.Equal(400, ex.Code);
        Assert.Equal("-3 is negative", ex.Detail);
    }

    [Fact]
    public async Task ServerStreamAsync_DeadlinePassesMidStream_TimeoutAfterTheMessagesAndTheHandlerIsCancelled()
    {
        // The client's clock is a fake one, moved past the deadline once the first message arrived: on the real clock a
        // loaded machine could spend the second before the stream reached the handler (never cancelled, then).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Name"] = "caller" }, s => s.AddSingleton<TimeProvider>(time));
        var options = new MicroCallOptions { Timeout = TimeSpan.FromSeconds(1) };
        await using var replies = services.GetRequiredService<IMicroClient>()
            .ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(1000, DelayMs: 50), options).GetAsyncEnumerator();
        Assert.True(await replies.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        var first = replies.Current;

        time.Advance(TimeSpan.FromSeconds(1));
        var (rest, error) = await replies.RestOf().CollectAsync();
        await _numbers.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var ex = Assert.IsType<MicroException>(error);
        Assert.Equal(408, ex.Code);
        Assert.InRange(rest.Count, 0, 998);
        Assert.Equal(Enumerable.Range(0, rest.Count + 1), new[] { first }.Concat(rest).Select(n => n.Value));
        Assert.True(_numbers.Produced < 1000);
    }

    [Fact]
    public async Task ClientStreamAsync_CallerCancels_CancelledAndTheHandlerSeesTheCallerGo()
    {
        using var cancel = new CancellationTokenSource();

        var call = _client.ClientStreamAsync<Number, Number>(Service, "Numbers.TakeOneThenWait", Forever(), cancellationToken: cancel.Token);
        Assert.True(await Poll.UntilAsync(() => _numbers.Consumed == 1, TimeSpan.FromSeconds(30)));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        await _numbers.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(1, _numbers.Consumed);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_UnknownMethod_NotFoundFromTheNodesErrorJson()
    {
        // MicroHosting answers an unknown method with gRPC's UNIMPLEMENTED (12) and Go Micro's 404 error JSON, which wins.
        await using var stream = await _client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Nope");

        var ex = await Assert.ThrowsAsync<MicroException>(async () => await stream.ReadAllAsync().ToListAsync());

        Assert.Equal(404, ex.Code);
        Assert.Contains("unknown endpoint Numbers.Nope", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreamAsync_FirstGrpcNodeDead_RetriedOnTheLiveNode()
    {
        await _registry.RegisterAsync(
            new MicroService
            {
                Name = Service,
                Version = "latest",
                Nodes = [new MicroNode { Id = "numbers-dead", Address = "127.0.0.1", Port = ExternalServer.FreeTcpPort(), Metadata = new Dictionary<string, string> { ["protocol"] = "grpc" } }],
            },
            TimeSpan.Zero);
        var options = new MicroCallOptions { Selector = new PreferSelector("numbers-dead") };

        await using var stream = await _client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Double", options);
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(10), options).CollectAsync();

        Assert.Equal(2, stream.Attempts); // the dead node first, then the live one
        Assert.Equal(TestClient.NodeId(_app), stream.Node.Id);
        Assert.Null(error);
        Assert.Equal(10, items.Count);
    }

    [Fact]
    public async Task ServerStreamAsync_CallerStopsReading_TheHandlerSeesTheCallerGo()
    {
        var (items, error) = await _client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(100_000, DelayMs: 1)).CollectAsync(max: 3);
        await _numbers.HandlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(error);
        Assert.Equal(3, items.Count);
        Assert.True(_numbers.Produced < 100_000);
    }

    private static async IAsyncEnumerable<Number> Numbers(params int[] values)
    {
        foreach (var value in values)
        {
            await Task.Yield();
            yield return new Number(value);
        }
    }

    private static async IAsyncEnumerable<Number> Forever([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        yield return new Number(1);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    /// <summary>Picks the node with the given id while it is a candidate.</summary>
    private sealed class PreferSelector(string id) : IMicroNodeSelector
    {
        public int Select(string service, ReadOnlySpan<MicroNode> nodes)
        {
            for (var i = 0; i < nodes.Length; i++)
            {
                if (nodes[i].Id == id)
                {
                    return i;
                }
            }

            return 0;
        }
    }
}
