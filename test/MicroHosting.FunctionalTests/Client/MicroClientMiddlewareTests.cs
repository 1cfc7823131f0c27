using MicroHosting.Client;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;
using static MicroHosting.Tests.Client.StreamingNumbers;

namespace MicroHosting.Tests.Client;

/// <summary>Client call middleware: one chain around unary calls and streams, seeing the plan, adding metadata, seeing the outcome.</summary>
public sealed class MicroClientMiddlewareTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task CallAsync_Middleware_SeesThePlanAddsMetadataAndSeesTheOutcome()
    {
        string? tenantSeen = null;
        await using var node = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            tenantSeen = c.Metadata.TryGetValue("X-Tenant", out var tenant) ? tenant : null;
            return Task.FromResult(new HelloReply("hi"));
        });
        var recorder = new Recorder();
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Retries"] = "2" }, s => s.AddSingleton(recorder).AddMicroClientMiddleware<RecordingMiddleware>());
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Hello", new HelloRequest("John"));

        Assert.Equal("hi", reply.Message);
        Assert.Equal("acme", tenantSeen);
        var call = Assert.Single(recorder.Calls);
        Assert.Equal(("greeter", "Greeter.Hello", false, 2), (call.Service, call.Endpoint, call.IsStream, call.Retries));
        Assert.Equal(TimeSpan.FromSeconds(5), call.Timeout);
        Assert.Equal(200, call.StatusCode);
        Assert.Null(call.Error);
        Assert.Equal(1, call.Attempts);
        Assert.Equal(TestClient.NodeId(node), call.NodeId);
    }

    [Fact]
    public async Task ServerStreamAsync_Middleware_SameChainForStreams()
    {
        await using var node = await new StreamingNumbers().StartAsync(_registry);
        var recorder = new Recorder();
        await using var services = TestClient.Create(_registry, configure: s => s.AddSingleton(recorder).AddMicroClientMiddleware<RecordingMiddleware>());
        var client = services.GetRequiredService<IMicroClient>();

        var (items, error) = await client.ServerStreamAsync<CountRequest, Number>(Service, "Numbers.Metadata", new CountRequest(0)).CollectAsync();

        Assert.Null(error);
        Assert.Equal("acme", items[0].Text); // the metadata the middleware set reached the stream's handler
        var call = Assert.Single(recorder.Calls);
        Assert.Equal((Service, "Numbers.Metadata", true, (TimeSpan?)null), (call.Service, call.Endpoint, call.IsStream, call.Timeout));
        Assert.Equal(200, call.StatusCode);
        Assert.Equal(TestClient.NodeId(node), call.NodeId);
    }

    [Fact]
    public async Task CallAsync_TwoMiddleware_FirstRegisteredRunsOutermost()
    {
        await using var node = await TestClient.StartGreeterAsync(_registry);
        var order = new List<string>();
        await using var services = TestClient.Create(_registry, configure: s => s
            .AddMicroClientMiddleware(async (context, next) =>
            {
                order.Add("a>");
                await next(context);
                order.Add("<a");
            })
            .AddMicroClientMiddleware(async (context, next) =>
            {
                order.Add("b>");
                await next(context);
                order.Add("<b");
            }));
        var client = services.GetRequiredService<IMicroClient>();

        await client.HelloAsync();

        Assert.Equal(["a>", "b>", "<b", "<a"], order);
    }

    [Fact]
    public async Task CallAsync_MiddlewareThrows_CallRefusedAndTheHandlerNeverRuns()
    {
        var runs = 0;
        await using var node = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref runs);
            return Task.FromResult(new HelloReply("hi"));
        });
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClientMiddleware((context, next)
            => throw new MicroException("test.policy", 403, $"{context.Service} {context.Endpoint} is not allowed")));
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync());

        Assert.Equal(403, error.Code);
        Assert.Equal("greeter Greeter.Hello is not allowed", error.Detail);
        Assert.Equal(0, runs);
    }

    [Fact]
    public async Task CallAsync_MiddlewareNeverCallsNext_ClearError()
    {
        await using var node = await TestClient.StartGreeterAsync(_registry);
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClientMiddleware((context, next) => ValueTask.CompletedTask));
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync());

        Assert.Equal(500, error.Code);
        Assert.Contains("returned without calling next", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallAsync_EveryNodeFails_MiddlewareSeesTheErrorAndTheAttempts()
    {
        var dead = await TestClient.StartGreeterAsync(new NoDeregisterRegistry(_registry));
        await dead.StopAsync();
        await dead.DisposeAsync();
        var recorder = new Recorder();
        await using var services = TestClient.Create(_registry, configure: s => s.AddSingleton(recorder).AddMicroClientMiddleware<RecordingMiddleware>());
        var client = services.GetRequiredService<IMicroClient>();

        await Assert.ThrowsAsync<MicroNodesFailedException>(() => client.HelloAsync());

        var call = Assert.Single(recorder.Calls);
        Assert.NotNull(call.Error);
        Assert.Equal(0, call.StatusCode); // no node replied
        Assert.Equal(2, call.Attempts); // the first attempt and its retry (connection refused: never reached a handler)
    }

    private sealed record Seen(string Service, string? Endpoint, bool IsStream, int Retries, TimeSpan? Timeout, int? StatusCode, Exception? Error, int Attempts, string? NodeId);

    private sealed class Recorder
    {
        public List<Seen> Calls { get; } = [];
    }

    private sealed class RecordingMiddleware(Recorder recorder) : IMicroClientMiddleware
    {
        public async ValueTask InvokeAsync(MicroClientCallContext context, MicroClientCallDelegate next)
        {
            context.SetMetadata("X-Tenant", "acme");
            try
            {
                await next(context);
            }
            finally
            {
                lock (recorder)
                {
                    recorder.Calls.Add(new Seen(
                        context.Service, context.Endpoint, context.IsStream, context.Retries, context.Timeout, context.StatusCode, context.Error, context.Attempts, context.Node?.Id));
                }
            }
        }
    }
}
