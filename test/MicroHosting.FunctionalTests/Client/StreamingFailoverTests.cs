using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static MicroHosting.Tests.Client.StreamingNumbers;

namespace MicroHosting.Tests.Client;

/// <summary>Streams and dead nodes: retried on another node before the first message, a clear error after it, never a hang.</summary>
public sealed class StreamingFailoverTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ServerStreamAsync_FirstNodeDead_RetriedOnAnotherNode()
    {
        var deadId = await StartDeadNodeAsync();
        await using var live = await new StreamingNumbers().StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        var options = new MicroCallOptions { Selector = new PreferSelector(deadId) };

        var (items, error) = await client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(100), options).CollectAsync();

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(0, 100), items.Select(n => n.Value));
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_FirstNodeDead_OpensOnAnotherNodeAndTheDeadOneIsEjected()
    {
        var deadId = await StartDeadNodeAsync();
        await using var live = await new StreamingNumbers().StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        var options = new MicroCallOptions { Selector = new PreferSelector(deadId) };

        await using (var first = await client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Double", options))
        {
            Assert.Equal(2, first.Attempts);
            Assert.Equal(TestClient.NodeId(live), first.Node.Id);
        }

        await using var second = await client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Double", options);
        Assert.Equal(1, second.Attempts); // the dead node is skipped while ejected
        Assert.Equal(TestClient.NodeId(live), second.Node.Id);
    }

    [Fact]
    public async Task ServerStreamAsync_NodeNeverAnswersTheUpgrade_OpeningTimesOutAndAnotherNodeServes()
    {
        using var silent = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        silent.Start(); // accepts connections (the kernel does), never answers
        var port = ((System.Net.IPEndPoint)silent.LocalEndpoint).Port;
        await _registry.RegisterAsync(
            new MicroService
            {
                Name = Service,
                Nodes = [new MicroNode { Id = "silent-1", Address = "127.0.0.1", Port = port, Metadata = new Dictionary<string, string> { ["framework"] = "microhosting" } }],
            },
            TimeSpan.Zero);
        await using var live = await new StreamingNumbers().StartAsync(_registry);

        // The client's clock is a fake one, moved past the first opening's timeout (half the 2 s request timeout) once the
        // silent node has the connection: on the real clock a loaded machine could also spend the live node's opening.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(
            _registry,
            new() { ["Micro:Client:RequestTimeout"] = "00:00:02", ["Micro:Client:RetryDelay"] = "00:00:00" },
            s => s.AddSingleton<TimeProvider>(time));
        var client = services.GetRequiredService<IMicroClient>();

        var collecting = client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(3), new MicroCallOptions { Selector = new PreferSelector("silent-1") })
            .CollectAsync();
        Assert.True(await Poll.UntilAsync(silent.Pending, TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromSeconds(1));
        var (items, error) = await collecting.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Null(error);
        Assert.Equal([0, 1, 2], items.Select(n => n.Value));
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_NodeHangsOnTheUpgrade_OpeningBoundedByTheAttemptTimeoutNotTheRequestTimeout()
    {
        // A hung process: takes the connection and reads the upgrade request, never answers. The request timeout is far
        // longer than the wait below, so only the attempt timeout can move the stream to the live node in time.
        await using var hung = new HungServer();
        await _registry.RegisterAsync(
            new MicroService
            {
                Name = Service,
                Nodes = [new MicroNode { Id = "hung-1", Address = "127.0.0.1", Port = hung.Port, Metadata = new Dictionary<string, string> { ["framework"] = "microhosting" } }],
            },
            TimeSpan.Zero);
        await using var live = await new StreamingNumbers().StartAsync(_registry);

        // The client's clock is a fake one, moved past the attempt timeout once the hung node has the upgrade request:
        // on the real clock a loaded machine could also spend the live node's 1 s opening and fail the stream.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(
            _registry,
            new()
            {
                ["Micro:Client:RequestTimeout"] = "00:05:00",
                ["Micro:Client:AttemptTimeout"] = "00:00:01",
                ["Micro:Client:RetryDelay"] = "00:00:00",
            },
            s => s.AddSingleton<TimeProvider>(time));
        var client = services.GetRequiredService<IMicroClient>();

        var opening = client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Double", new MicroCallOptions { Selector = new PreferSelector("hung-1") });
        Assert.True(await Poll.UntilAsync(() => hung.Requests == 1, TimeSpan.FromSeconds(30)));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(opening.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await using var stream = await opening.WaitAsync(TimeSpan.FromSeconds(60));
        await stream.SendAsync(new Number(21));
        await stream.CompleteAsync();
        var replies = new List<Number>();
        await foreach (var reply in stream.ReadAllAsync())
        {
            replies.Add(reply);
        }

        Assert.Equal(2, stream.Attempts);
        Assert.Equal(TestClient.NodeId(live), stream.Node.Id);
        Assert.Equal(1, hung.Requests); // one upgrade request went to the hung node, then the stream moved on
        Assert.Equal([42], replies.Select(n => n.Value));
    }

    [Fact]
    public async Task ClientStreamAsync_EveryNodeDead_MicroNodesFailedListsThem()
    {
        var deadId = await StartDeadNodeAsync();
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var ex = await Assert.ThrowsAsync<MicroNodesFailedException>(() => client.ClientStreamAsync<Number, Number>(Service, "Numbers.Sum", Empty()));

        Assert.Equal(500, ex.Code);
        Assert.Contains(deadId, ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStreamAsync_NodeDiesMidStream_MicroExceptionNamesTheNode()
    {
        using var relay = new TcpRelay();
        await using var app = await new StreamingNumbers().StartAsync(_registry, advertise: $"127.0.0.1:{relay.Port}");
        relay.Target = app.BaseAddress();
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        await using var replies = client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Count", new CountRequest(int.MaxValue, DelayMs: 10)).GetAsyncEnumerator();
        for (var i = 0; i < 5; i++)
        {
            Assert.True(await replies.MoveNextAsync());
        }

        relay.Kill();
        var ex = await Assert.ThrowsAsync<MicroException>(async () =>
        {
            while (await replies.MoveNextAsync())
            {
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(MicroClientErrors.Id, ex.Id);
        Assert.Equal(500, ex.Code);
        Assert.Contains(TestClient.NodeId(app), ex.Detail, StringComparison.Ordinal);
        Assert.Contains("broke after", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_NodeDiesMidStream_ReadAndSendFailInsteadOfHanging()
    {
        using var relay = new TcpRelay();
        await using var app = await new StreamingNumbers().StartAsync(_registry, advertise: $"127.0.0.1:{relay.Port}");
        relay.Target = app.BaseAddress();
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        await using var stream = await client.OpenDuplexStreamAsync<Number, Number>(Service, "Numbers.Double");
        await using var replies = stream.ReadAllAsync().GetAsyncEnumerator();
        await stream.SendAsync(new Number(1));
        Assert.True(await replies.MoveNextAsync());

        relay.Kill();

        await Assert.ThrowsAsync<MicroException>(async () => await replies.MoveNextAsync()).WaitAsync(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<MicroException>(async () => await stream.SendAsync(new Number(2))).WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task ServerStreamAsync_ConnectionDroppedByTheNode_MessagesThenMicroException()
    {
        var numbers = new StreamingNumbers();
        await using var app = await numbers.StartAsync(_registry);
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        await using var replies = client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Abort", new CountRequest(3)).GetAsyncEnumerator();

        // The three messages arrive; only then does the node drop the connection.
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await replies.MoveNextAsync());
            Assert.Equal(i, replies.Current.Value);
        }

        numbers.AbortNow.SetResult();
        var micro = await Assert.ThrowsAsync<MicroException>(async () => await replies.MoveNextAsync()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Contains("broke after 3 message(s)", micro.Detail, StringComparison.Ordinal);
    }

    /// <summary>Starts a node and stops it without deregistering, as a crashed process: its port refuses connections.</summary>
    private async Task<string> StartDeadNodeAsync()
    {
        var dead = await new StreamingNumbers().StartAsync(new NoDeregisterRegistry(_registry));
        var id = TestClient.NodeId(dead);
        await dead.DisposeAsync();
        return id;
    }

    private static async IAsyncEnumerable<Number> Empty()
    {
        await Task.CompletedTask;
        yield break;
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
