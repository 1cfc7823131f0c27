using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>Opt-in hedging: an idempotent call whose first attempt is slow gets a second one elsewhere; the first good reply wins.</summary>
public sealed class MicroClientHedgingTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_HedgeDelayConfigured_IdempotentCallsAnsweredByTheFastNodeOthersWait(bool idempotent)
    {
        // Hedged calls: the slow node never answers in time (only the hedge's cancellation ends its handler), so the
        // fast node's reply cannot race the slow one however loaded the machine is. Calls that are not hedged wait 3 s.
        var slowDelay = idempotent ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(3);
        await using var slow = await TestClient.StartGreeterAsync(_registry, idempotent: idempotent, handler: async (r, c, ct) =>
        {
            await Task.Delay(slowDelay, ct);
            return new HelloReply("slow");
        });
        await using var fast = await TestClient.StartGreeterAsync(_registry, idempotent: idempotent);
        var toSlow = new AttemptCounter(slow);
        await using var services = CreateHedgingClient("HedgeDelay", "00:00:00.500", toSlow);
        var client = services.GetRequiredService<IMicroClient>();

        // No retries: a slow attempt is not cut at half the budget and retried elsewhere, so only a hedge can avoid the slow node.
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.HelloAsync(options: new MicroCallOptions { Timeout = TimeSpan.FromSeconds(30), Retries = 0 })));

        // Round robin starts about every other call on the slow node; only idempotent ones are hedged to the fast one.
        // Attempts are counted by the client: a hedge that wins early cancels the slow attempt before its handler runs.
        // An idempotent call that started on the fast node hedges to the slow one too when the fast reply takes over 500 ms
        // (a cold node on a loaded machine): one hedge per call, so at most 4; the slow node never answers in time.
        Assert.InRange(toSlow.Count, 1, idempotent ? 4 : 3);
        var servedBySlow = replies.Count(r => r.Node.Id == TestClient.NodeId(slow));
        Assert.Equal(idempotent ? 0 : toSlow.Count, servedBySlow);
    }

    [Fact]
    public async Task SendAsync_HedgeAfterPercentile_HedgesAfterTheMeasuredLatencyOnceEnoughReplies()
    {
        await using var fast = await TestClient.StartGreeterAsync(_registry, idempotent: true);
        await using var slow = await TestClient.StartGreeterAsync(_registry, idempotent: true, handler: async (r, c, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return new HelloReply("slow");
        });
        var toSlow = new AttemptCounter(slow);
        await using var services = CreateHedgingClient("HedgeAfterPercentile", "0.9", toSlow);
        var client = services.GetRequiredService<IMicroClient>();
        var runtime = services.GetRequiredService<MicroHosting.Client.Internal.MicroClientRuntime>();

        // Warm up on the fast node alone: its replies are the endpoint's measured latencies.
        var fastId = TestClient.NodeId(fast);
        var onlyFast = new MicroCallOptions { Filter = (_, node) => node.Id == fastId };
        for (var i = 0; i < MicroHosting.Client.Internal.LatencyWindow.MinSamples; i++)
        {
            await client.HelloAsync(options: onlyFast);
        }

        Assert.Equal(MicroHosting.Client.Internal.LatencyWindow.MinSamples, runtime.Latencies("greeter", "Greeter.Hello").Count);
        Assert.Equal(0, toSlow.Count);

        // No retries: only the hedge (not a retry after half the budget) can take a call off the slow node.
        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.HelloAsync(options: new MicroCallOptions { Timeout = TimeSpan.FromSeconds(60), Retries = 0 })));

        // Calls that started on the slow node (which answers after 30 s) were hedged after the fast node's p90 and
        // answered by the fast node (the slow handler may not even have started before the hedge won).
        Assert.InRange(toSlow.Count, 1, 4);
        Assert.All(replies, r => Assert.Equal(fastId, r.Node.Id));
    }

    [Fact]
    public async Task SendAsync_HedgeAfterPercentileWithTooFewReplies_NoHedgeWithoutAFixedDelay()
    {
        await using var fast = await TestClient.StartGreeterAsync(_registry, idempotent: true);
        var slowRuns = 0;
        await using var slow = await TestClient.StartGreeterAsync(_registry, idempotent: true, handler: async (r, c, ct) =>
        {
            Interlocked.Increment(ref slowRuns);
            await Task.Delay(TimeSpan.FromMilliseconds(300), ct);
            return new HelloReply("slow");
        });
        await using var services = TestClient.Create(_registry, new()
        {
            ["Micro:Client:Selector"] = "roundrobin",
            ["Micro:Client:Services:greeter:Endpoints:Greeter.Hello:HedgeAfterPercentile"] = "0.9",
        });
        var client = services.GetRequiredService<IMicroClient>();

        var replies = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.HelloAsync(options: new MicroCallOptions { Timeout = TimeSpan.FromSeconds(30) })));

        // Fewer than LatencyWindow.MinSamples replies measured: no percentile yet, and no HedgeDelay to fall back to.
        Assert.InRange(slowRuns, 1, 3);
        Assert.Equal(slowRuns, replies.Count(r => r.Node.Id == TestClient.NodeId(slow)));
    }

    /// <summary>A round-robin client hedging <c>Greeter.Hello</c> by <paramref name="setting"/>, its attempts counted by <paramref name="counter"/>.</summary>
    private ServiceProvider CreateHedgingClient(string setting, string value, AttemptCounter counter) => TestClient.Create(
        _registry,
        new()
        {
            ["Micro:Client:Selector"] = "roundrobin",
            [$"Micro:Client:Services:greeter:Endpoints:Greeter.Hello:{setting}"] = value,
        },
        s => s.AddHttpClient(MicroClientOptions.HttpClientName).AddHttpMessageHandler(() => new CountingHandler(counter)));

    /// <summary>Counts the client's attempts sent to one node (a hedge that wins early cancels an attempt before its handler runs).</summary>
    private sealed class AttemptCounter(WebApplication node)
    {
        private readonly int _port = new Uri(node.Urls.First()).Port;
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void Saw(int port)
        {
            if (port == _port)
            {
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>Reports the port of each attempt (the innermost handler of the client, once per attempt).</summary>
    private sealed class CountingHandler(AttemptCounter counter) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            counter.Saw(request.RequestUri!.Port);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
