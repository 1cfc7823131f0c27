using System.Collections.Concurrent;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>
/// Faults injected into a fleet of real Kestrel nodes while a load of calls runs: a hung node, a slow one, a killed one,
/// one draining with 503, a throwing handler. Asserts what callers rely on: call outcomes, and attempts per node
/// (counted by the nodes themselves). Bounds are structural (concurrency, thresholds), never wall-clock measurements.
/// </summary>
public sealed class MicroClientFaultInjectionTests : IAsyncDisposable
{
    private const int Concurrency = 8;
    private readonly InMemoryRegistry _registry = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _served = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData("p2c")]
    [InlineData("random")]
    public async Task IdempotentCalls_OneNodeHung_NoneFailAndTheHungNodeGetsAFewAttemptsThenNone(string selector)
    {
        await using var hung = new HungServer();
        await RegisterRawNodeAsync("hung", hung.Port, idempotent: true);
        await using var a = await StartNodeAsync("a", idempotent: true);
        await using var b = await StartNodeAsync("b", idempotent: true);

        // A 10 s budget: an attempt may take half of what is left (5 s), so the retry on a healthy node has 5 s too.
        await using var services = CreateClient(selector, ("Micro:Client:RequestTimeout", "00:00:10"));
        var client = services.GetRequiredService<IMicroClient>();

        var first = await RunLoadAsync(client, calls: 200);
        var hungAttempts = hung.Requests;
        var second = await RunLoadAsync(client, calls: 200);

        Assert.Empty(first.Failures);
        Assert.Empty(second.Failures);
        Assert.InRange(hungAttempts, 1, 2 * Concurrency); // at most what was in flight when it stopped answering
        Assert.Equal(hungAttempts, hung.Requests); // then none: avoided (p2c) or ejected (5 timeouts in a row)
        Assert.Equal(400, Served("a") + Served("b"));
    }

    [Theory]
    [InlineData("p2c")]
    [InlineData("random")]
    public async Task NonIdempotentCalls_OneNodeHung_OnlyTheCallsItSwallowedFailAndTheyRanNowhereElse(string selector)
    {
        await using var hung = new HungServer();
        await RegisterRawNodeAsync("hung", hung.Port, idempotent: false);
        await using var a = await StartNodeAsync("a");
        await using var b = await StartNodeAsync("b");
        await using var services = CreateClient(selector, ("Micro:Client:RequestTimeout", "00:00:03"));
        var client = services.GetRequiredService<IMicroClient>();

        var result = await RunLoadAsync(client, calls: 300);

        // A request the hung node read may have run there: it is not sent again, and the call fails with 408.
        Assert.Equal(hung.Requests, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.Equal(408, ((MicroException)f).Code));
        Assert.InRange(hung.Requests, 1, 2 * Concurrency);
        Assert.Equal(300 - hung.Requests, Ids().Count);
        Assert.Equal(Ids().Count, Ids().Distinct().Count());
    }

    [Theory]
    [InlineData("p2c")]
    [InlineData("random")]
    public async Task Calls_OneNodeTenTimesSlower_NoneFailAndTheSlowNodeGetsLittleTraffic(string selector)
    {
        await using var a = await StartNodeAsync("a", delay: TimeSpan.FromMilliseconds(20));
        await using var b = await StartNodeAsync("b", delay: TimeSpan.FromMilliseconds(20));
        await using var slow = await StartNodeAsync("slow", delay: TimeSpan.FromMilliseconds(200));
        // Slow at 3 times the fastest node's latency: a margin for healthy nodes' own hiccups on a busy machine.
        await using var services = CreateClient(selector, ("Micro:Client:SlowNodeFactor", "3"));
        var client = services.GetRequiredService<IMicroClient>();

        var result = await RunLoadAsync(client, calls: 240);

        Assert.Empty(result.Failures);
        Assert.Equal(240, Served("a") + Served("b") + Served("slow"));

        // Random would give it a third (80): p2c steers away after its first slow replies; random ejects it after
        // 3 samples and 5 slow replies in a row (plus what was in flight).
        Assert.InRange(Served("slow"), 0, 3 * Concurrency);
        if (selector == "random")
        {
            var health = services.GetRequiredService<NodeHealth>();
            Assert.True(health.IsEjected(health.Get($"127.0.0.1:{new Uri(slow.Urls.First()).Port}")));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Calls_NodeKilledUnderLoad_IdempotentNoneFailAndNoHandlerRunsTwiceUnlessIdempotent(bool idempotent)
    {
        await using var a = await StartNodeAsync("a", idempotent: idempotent);
        await using var b = await StartNodeAsync("b", idempotent: idempotent);
        var doomed = await StartNodeAsync("doomed", idempotent: idempotent, registry: new NoDeregisterRegistry(_registry));
        await using var services = CreateClient("roundrobin");
        var client = services.GetRequiredService<IMicroClient>();

        var load = RunLoadAsync(client, calls: 300);
        await WaitUntilAsync(() => Served("doomed") >= 20);
        await doomed.DisposeAsync(); // stays registered, as a crashed process does
        var result = await load;

        Assert.Equal(300, result.Succeeded + result.Failures.Count);
        if (idempotent)
        {
            Assert.Empty(result.Failures);
        }
        else
        {
            // A call whose request may have reached the dying node is not run again elsewhere.
            Assert.Equal(Ids().Count, Ids().Distinct().Count());
            Assert.All(result.Failures, f => Assert.IsType<MicroNodesFailedException>(f));
        }
    }

    [Fact]
    public async Task NonIdempotentCalls_NodeDrainingWith503_NoneFailEachRunsOnceAndTheNodeIsPaused()
    {
        var draining = 0;
        await using var a = await StartNodeAsync("a");
        await using var b = await StartNodeAsync("b");
        await using var stopping = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref draining);
            c.HttpContext.Response.Headers.RetryAfter = "60";
            throw new MicroException("greeter", 503, "draining");
        });
        await using var services = CreateClient("roundrobin");
        var client = services.GetRequiredService<IMicroClient>();

        var result = await RunLoadAsync(client, calls: 150);

        Assert.Empty(result.Failures); // 503 means not processed: retried on another node although not idempotent
        Assert.Equal(150, Ids().Count);
        Assert.Equal(150, Ids().Distinct().Count()); // each call ran exactly once
        Assert.InRange(draining, 1, Concurrency); // then skipped for its Retry-After
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Calls_HandlerThrows500_NonIdempotentRunsExactlyOnceIdempotentIsRetried(bool idempotent)
    {
        var thrown = new ConcurrentQueue<string>();
        await using var a = await StartNodeAsync("a", idempotent: idempotent);
        await using var b = await StartNodeAsync("b", idempotent: idempotent);
        await using var throwing = await TestClient.StartGreeterAsync(_registry, idempotent: idempotent, handler: (r, c, _) =>
        {
            thrown.Enqueue(c.RequestId!);
            throw MicroException.InternalServerError("greeter", "boom");
        });
        await using var services = CreateClient("roundrobin");
        var client = services.GetRequiredService<IMicroClient>();

        var result = await RunLoadAsync(client, calls: 150);

        Assert.InRange(thrown.Count, 1, 5 + Concurrency); // ejected after 5 server errors in a row, plus what was in flight
        Assert.Equal(thrown.Count, thrown.Distinct().Count());
        if (idempotent)
        {
            Assert.Empty(result.Failures);
            Assert.Equal(150, Ids().Count);
            Assert.Subset(Ids().ToHashSet(), thrown.ToHashSet()); // every failed run was run again elsewhere
        }
        else
        {
            // Each call that reached the throwing handler failed there and ran nowhere else.
            Assert.Equal(thrown.Count, result.Failures.Count);
            Assert.All(result.Failures, f => Assert.Equal((500, "boom"), (((MicroException)f).Code, ((MicroException)f).Detail)));
            Assert.Empty(Ids().Intersect(thrown));
            Assert.Equal(150, Ids().Count + thrown.Count);
        }
    }

    private int Served(string node) => _served.TryGetValue(node, out var ids) ? ids.Count : 0;

    private List<string> Ids() => [.. _served.Values.SelectMany(q => q)];

    private Task<WebApplication> StartNodeAsync(string label, bool idempotent = false, TimeSpan? delay = null, IRegistry? registry = null)
    {
        var served = _served.GetOrAdd(label, static _ => new ConcurrentQueue<string>());
        return TestClient.StartGreeterAsync(registry ?? _registry, idempotent: idempotent, handler: async (r, c, ct) =>
        {
            served.Enqueue(c.RequestId!);
            if (delay is { } wait)
            {
                await Task.Delay(wait, ct);
            }

            return new HelloReply($"Hello {r.Name} from {label}");
        });
    }

    private Task RegisterRawNodeAsync(string id, int port, bool idempotent)
        => _registry.RegisterAsync(new MicroService
        {
            Name = "greeter",
            Nodes = [new MicroNode { Id = id, Address = "127.0.0.1", Port = port, Metadata = new Dictionary<string, string> { ["framework"] = "microhosting" } }],
            Endpoints = idempotent ? [new MicroEndpoint { Name = "Greeter.Hello", Metadata = new Dictionary<string, string> { ["idempotent"] = "true" } }] : [],
        }, TimeSpan.Zero);

    private ServiceProvider CreateClient(string selector, params (string Key, string Value)[] settings)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Micro:Client:Selector"] = selector,
            ["Micro:Client:RetryDelay"] = "00:00:00.001",

            // Long enough that no cool-down ends during a test, however slow the machine.
            ["Micro:Client:EjectionDuration"] = "00:05:00",
        };
        foreach (var (key, value) in settings)
        {
            configuration[key] = value;
        }

        return TestClient.Create(_registry, configuration);
    }

    private static async Task<LoadResult> RunLoadAsync(IMicroClient client, int calls)
    {
        var next = -1;
        var succeeded = 0;
        var failures = new ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, Concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < calls)
            {
                try
                {
                    await client.HelloAsync();
                    Interlocked.Increment(ref succeeded);
                }
                catch (MicroException ex)
                {
                    failures.Enqueue(ex);
                }
            }
        }));
        await Task.WhenAll(workers);
        return new LoadResult(succeeded, [.. failures]);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within 30 s.");
            await Task.Delay(10);
        }
    }

    private sealed record LoadResult(int Succeeded, List<Exception> Failures);
}
