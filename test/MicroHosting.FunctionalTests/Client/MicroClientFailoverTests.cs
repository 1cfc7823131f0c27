using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>Retries on another node, ejection of dead nodes, and their return.</summary>
public sealed class MicroClientFailoverTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SendAsync_NodeCrashesMidRun_CallsSucceedOnOthersAndTheDeadNodeIsEjectedThenUsedWhenBack()
    {
        await using var node1 = await TestClient.StartGreeterAsync(_registry);
        await using var node2 = await TestClient.StartGreeterAsync(_registry);
        var crashing = await TestClient.StartGreeterAsync(new NoDeregisterRegistry(_registry));
        var crashedId = TestClient.NodeId(crashing);
        var port = new Uri(crashing.Urls.First()).Port;
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin" });
        var client = services.GetRequiredService<IMicroClient>();
        for (var i = 0; i < 6; i++)
        {
            await client.HelloAsync();
        }

        await crashing.DisposeAsync(); // stays registered, like a crashed process
        var replies = new List<MicroResponse<HelloReply>>();
        for (var i = 0; i < 20; i++)
        {
            replies.Add(await client.HelloAsync());
        }

        Assert.DoesNotContain(replies, r => r.Node.Id == crashedId);
        Assert.Equal(1, replies.Sum(r => r.Attempts - 1)); // one retry, then the dead node is skipped
        Assert.Contains((await _registry.GetServiceAsync("greeter")).Single().Nodes, n => n.Id == crashedId);

        // The node comes back on the same address: registering again makes it a candidate at once.
        await using var back = await TestClient.StartGreeterAsync(_registry, address: $"127.0.0.1:{port}");
        var servedByBack = false;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!servedByBack && DateTime.UtcNow < deadline)
        {
            servedByBack = (await client.HelloAsync()).Node.Id == TestClient.NodeId(back);
        }

        Assert.True(servedByBack);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SendAsync_ServerError_RetriedOnAnotherNodeOnlyWhenIdempotent(bool idempotent)
    {
        var calls = 0;
        await using var failing = await TestClient.StartGreeterAsync(_registry, idempotent: idempotent, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref calls);
            throw MicroException.InternalServerError("greeter", "boom");
        });
        await using var healthy = await TestClient.StartGreeterAsync(_registry, idempotent: idempotent);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin" });
        var client = services.GetRequiredService<IMicroClient>();

        var replies = new List<MicroResponse<HelloReply>>();
        var failed = 0;
        for (var i = 0; i < 4; i++)
        {
            try
            {
                replies.Add(await client.HelloAsync());
            }
            catch (MicroException ex) when (ex.Detail == "boom")
            {
                failed++;
            }
        }

        // Round robin sends every other call to the failing node first: it runs there once, and only an idempotent
        // handler is run again on the healthy node.
        Assert.Equal(2, calls);
        Assert.Equal(idempotent ? 0 : 2, failed);
        Assert.All(replies, r => Assert.Equal(TestClient.NodeId(healthy), r.Node.Id));
        Assert.Equal(idempotent ? 2 : 0, replies.Count(r => r.Attempts == 2));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    public async Task SendAsync_ServerErrorEverywhereIdempotent_TriesRetriesPlusOneTimesAndThrowsTheRemoteError(int retries, int expectedCalls)
    {
        var calls = 0;
        Task<HelloReply> Fail(HelloRequest r, MicroContext c, CancellationToken ct)
        {
            Interlocked.Increment(ref calls);
            throw MicroException.InternalServerError("greeter", "boom");
        }

        await using var node1 = await TestClient.StartGreeterAsync(_registry, handler: Fail, idempotent: true);
        await using var node2 = await TestClient.StartGreeterAsync(_registry, handler: Fail, idempotent: true);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync(options: new MicroCallOptions { Retries = retries }));

        Assert.Equal(expectedCalls, calls);
        Assert.Equal("greeter", error.Id);
        Assert.Equal(500, error.Code);
        Assert.Equal("boom", error.Detail);
        Assert.Equal("Internal Server Error", error.Status);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(404)]
    [InlineData(409)]
    public async Task SendAsync_ClientError_IsNotRetried(int code)
    {
        var calls = 0;
        await using var node1 = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new MicroException("greeter", code, "no");
        });
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync(options: new MicroCallOptions { Retries = 3 }));

        Assert.Equal(1, calls);
        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task SendAsync_EveryNodeUnreachable_ThrowsNodesFailedListingThem()
    {
        var deadPort1 = ExternalServer.FreeTcpPort();
        var deadPort2 = ExternalServer.FreeTcpPort();
        await _registry.RegisterAsync(new MicroService
        {
            Name = "ghost",
            Nodes =
            [
                new MicroNode { Id = "ghost-1", Address = "127.0.0.1", Port = deadPort1 },
                new MicroNode { Id = "ghost-2", Address = "127.0.0.1", Port = deadPort2 },
            ],
        }, TimeSpan.Zero);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroNodesFailedException>(() => client.HelloAsync(service: "ghost"));

        Assert.Equal(MicroClientErrors.Id, error.Id);
        Assert.Equal(500, error.Code);
        Assert.StartsWith("call to ghost Greeter.Hello failed on every node tried (2 attempt(s)): ", error.Detail, StringComparison.Ordinal);
        Assert.Contains($"ghost-1@127.0.0.1:{deadPort1}", error.Detail, StringComparison.Ordinal);
        Assert.Contains($"ghost-2@127.0.0.1:{deadPort2}", error.Detail, StringComparison.Ordinal);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }
}
