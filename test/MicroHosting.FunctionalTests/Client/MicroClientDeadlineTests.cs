using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client;

/// <summary>Timeouts, and what a call made inside a handler inherits: the remaining budget and the metadata.</summary>
public sealed class MicroClientDeadlineTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SendAsync_SlowHandler_TimesOutAtTheCallersTimeout()
    {
        var handlerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handlerCancelled = new TaskCompletionSource();
        var clientGaveUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var slow = await TestClient.StartGreeterAsync(_registry, handler: async (r, c, ct) =>
        {
            handlerStarted.TrySetResult();
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
            }
            catch (OperationCanceledException)
            {
                handlerCancelled.TrySetResult();

                // The server's own 408 would race the client's timer (same deadline): hold it until the client gave up.
                await clientGaveUp.Task.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None);
                throw;
            }

            return new HelloReply("late");
        });

        // The client's clock is a fake one, moved only once the handler runs: on the real clock a loaded machine could
        // spend the 300 ms before the request reached the handler (which then never saw the deadline).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(_registry, configure: s => s.AddSingleton<TimeProvider>(time));
        var client = services.GetRequiredService<IMicroClient>();

        var call = client.HelloAsync(options: new MicroCallOptions { Timeout = TimeSpan.FromMilliseconds(300) });
        await handlerStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromMilliseconds(299));
        var early = call.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var error = await Assert.ThrowsAsync<MicroException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));
        clientGaveUp.SetResult();

        Assert.False(early);
        Assert.Equal(408, error.Code);
        Assert.Equal(MicroClientErrors.Id, error.Id);
        Assert.StartsWith("call to greeter Greeter.Hello timed out after 0.3s (MicroClientOptions.RequestTimeout / MicroCallOptions.Timeout)", error.Detail, StringComparison.Ordinal);
        await handlerCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the server saw the deadline (or the caller go) too
    }

    [Fact]
    public async Task SendAsync_InsideHandler_DownstreamGetsTheReducedBudgetAndTheMetadata()
    {
        var seen = new TaskCompletionSource<(TimeSpan? Remaining, string? From, string? Tenant, string? Id)>();
        await using var back = await MicroTestHost.StartAsync("back", app => app.MapMicroHandler("Back.Echo", (HelloRequest r, MicroContext c) =>
        {
            seen.TrySetResult((c.RemainingTime, c.FromService, c.Metadata.GetValueOrDefault("Micro-Tenant"), c.RequestId));
            return new HelloReply(r.Name);
        }), _registry);
        // The front's own client default is a minute and the caller's budget 30 s: generous for two hops on a loaded
        // machine, and far apart, so the downstream budget shows which one it came from.
        await using var front = await MicroTestHost.StartAsync(
            "front",
            app => app.MapMicroHandler("Front.Relay", async (HelloRequest r, MicroContext c, CancellationToken ct) =>
            {
                var client = c.HttpContext.RequestServices.GetRequiredService<IMicroClient>();
                return await client.CallAsync<HelloRequest, HelloReply>("back", "Back.Echo", r, cancellationToken: ct);
            }),
            _registry,
            configureBuilder: b => b.Configuration["Micro:Client:RequestTimeout"] = "00:01:00");
        await using var services = TestClient.Create(_registry);
        var caller = services.GetRequiredService<IMicroClient>();

        var reply = await caller.CallAsync<HelloRequest, HelloReply>("front", "Front.Relay", new HelloRequest("x"), new MicroCallOptions
        {
            Timeout = TimeSpan.FromSeconds(30),
            Metadata = new Dictionary<string, string> { ["Micro-Tenant"] = "acme" },
        });
        var (remaining, from, tenant, id) = await seen.Task;

        Assert.Equal("x", reply.Message);
        Assert.NotNull(remaining);
        Assert.InRange(remaining.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(30)); // below the front client's 1 min default
        Assert.Equal("front", from);
        Assert.Equal("acme", tenant);
        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task SendAsync_InsideHandler_DownstreamTimesOutAtTheCallersDeadline()
    {
        // A hung downstream (reads the request, never answers): only the client's inherited deadline can end the call.
        // A handler that honoured its own deadline would race the client with its own 408 at the same instant.
        var downstream = new TaskCompletionSource<MicroException>();
        await using var back = new HungServer();
        await _registry.RegisterAsync(new MicroService
        {
            Name = "back",
            Nodes = [new MicroNode { Id = "back-hung", Address = "127.0.0.1", Port = back.Port, Metadata = new Dictionary<string, string> { ["framework"] = "microhosting" } }],
        }, TimeSpan.Zero);
        await using var front = await MicroTestHost.StartAsync("front", app => app.MapMicroHandler("Front.Relay", async (HelloRequest r, MicroContext c) =>
        {
            var client = c.HttpContext.RequestServices.GetRequiredService<IMicroClient>();
            try
            {
                // No timeout of its own: the client default (5 s) is capped at what is left of the caller's 2 s.
                return await client.CallAsync<HelloRequest, HelloReply>("back", "Back.Hung", r);
            }
            catch (MicroException ex)
            {
                downstream.TrySetResult(ex);
                throw;
            }
        }), _registry);
        await using var services = TestClient.Create(_registry);
        var caller = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() =>
            caller.CallAsync<HelloRequest, HelloReply>("front", "Front.Relay", new HelloRequest("x"), new MicroCallOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 0 }));
        var inner = await downstream.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(408, error.Code);
        Assert.Equal(408, inner.Code);
        Assert.Equal(MicroClientErrors.Id, inner.Id);
        Assert.StartsWith("call to back Back.Hung timed out after", inner.Detail, StringComparison.Ordinal);
        Assert.Contains("(what was left of the calling handler's deadline)", inner.Detail, StringComparison.Ordinal);
        Assert.Equal(1, back.Requests);
    }

    [Fact]
    public async Task SendAsync_ClientRetriesFromConfiguration_AreUsed()
    {
        var calls = 0;
        await using var node = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            Interlocked.Increment(ref calls);
            throw new MicroException("greeter", 503, "busy");
        });
        await using var services = TestClient.Create(_registry, new() { ["MICRO_CLIENT_RETRIES"] = "2", ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.HelloAsync());

        Assert.Equal(3, calls);
        Assert.Equal("busy", error.Detail);
    }
}
