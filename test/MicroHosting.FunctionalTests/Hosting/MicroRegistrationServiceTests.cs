using System.Net.Http.Json;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Hosting;

public sealed class MicroRegistrationServiceTests
{
    [Fact]
    public async Task Start_RegistersBoundPortMetadataAndEndpoints()
    {
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply(r.Name)),
            registry,
            configureOptions: o =>
            {
                o.Version = "1.2.3";
                o.Metadata["region"] = "eu";
            });

        var service = Assert.Single(await registry.GetServiceAsync("greeter"));
        var node = Assert.Single(service.Nodes);
        Assert.Equal("1.2.3", service.Version);
        Assert.StartsWith("greeter-", node.Id, StringComparison.Ordinal);
        Assert.True(Guid.TryParse(node.Id["greeter-".Length..], out _));
        Assert.Equal("127.0.0.1", node.Address);
        Assert.Equal(app.BaseAddress().Port, node.Port);
        Assert.NotEqual(0, node.Port);
        Assert.Equal("mucp", node.Metadata["protocol"]);
        Assert.Equal("http", node.Metadata["transport"]);
        Assert.Equal("memory", node.Metadata["registry"]);
        Assert.Equal("http", node.Metadata["broker"]);
        Assert.Equal("eu", node.Metadata["region"]);
        var endpoint = Assert.Single(service.Endpoints);
        Assert.Equal("Greeter.Hello", endpoint.Name);
        Assert.Equal("false", endpoint.Metadata["stream"]);
        Assert.Equal("HelloRequest", endpoint.Request!.Name);
        Assert.Equal(("name", "string"), (endpoint.Request.Values![0].Name, endpoint.Request.Values[0].Type));
        Assert.Equal("message", endpoint.Response!.Values![0].Name);
    }

    [Fact]
    public async Task SharedRegistry_OutlivesTheHostsThatUseIt()
    {
        using var registry = new InMemoryRegistry();
        var first = await MicroTestHost.StartAsync("a", a => a.MapMicroHandlers(), registry);
        await first.StopAsync();
        await first.DisposeAsync();
        await using var second = await MicroTestHost.StartAsync("b", a => a.MapMicroHandlers(), registry);

        Assert.Single(await registry.GetServiceAsync("b"));
        Assert.Empty(await registry.GetServiceAsync("a"));
    }

    [Fact]
    public async Task Start_AdvertiseSet_RegistersAdvertisedAddress()
    {
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync("greeter", a => a.MapMicroHandlers(), registry, configureOptions: o => o.Advertise = "10.1.2.3:9000");

        var node = Assert.Single(Assert.Single(await registry.GetServiceAsync("greeter")).Nodes);
        Assert.Equal(("10.1.2.3", 9000), (node.Address, node.Port));
    }

    [Fact]
    public async Task Stop_DeregistersBeforeInFlightRequestsDrain()
    {
        var registry = new InMemoryRegistry();
        var entered = new TaskCompletionSource();
        var release = new TaskCompletionSource();
        var app = await MicroTestHost.StartAsync("slow", a => a.MapMicroHandler("Slow.Call", async (HelloRequest r) =>
        {
            entered.SetResult();
            await release.Task;
            return new HelloReply("done");
        }), registry);
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        var call = http.PostAsJsonAsync("/Slow/Call", new { name = "x" });
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var stopping = app.StopAsync();
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await registry.GetServiceAsync("slow")).Count > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Empty(await registry.GetServiceAsync("slow"));
        Assert.False(call.IsCompleted);
        release.SetResult();
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("done", (await response.Content.ReadFromJsonAsync<HelloReply>())!.Message);
        await stopping;
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Interval_ReRegistersWithTtl()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = new CountingRegistry(time);
        await using var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandlers(),
            registry,
            configureBuilder: b => b.Services.AddSingleton<TimeProvider>(time),
            configureOptions: o =>
            {
                o.RegisterInterval = TimeSpan.FromSeconds(30);
                o.RegisterTtl = TimeSpan.FromSeconds(75); // not the default, so the assertion shows it is passed on
            });
        Assert.Equal(1, registry.Registrations);
        var started = time.GetUtcNow();

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => registry.Registrations >= 2);
        var second = time.GetUtcNow();
        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => registry.Registrations >= 3);

        Assert.Equal(3, registry.Registrations);
        Assert.True(second - started >= TimeSpan.FromSeconds(30), $"re-registered after {second - started}");
        Assert.True(time.GetUtcNow() - second >= TimeSpan.FromSeconds(30), $"re-registered after {time.GetUtcNow() - second}");
        lock (registry.Log)
        {
            Assert.Equal([TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(75), TimeSpan.FromSeconds(75)], registry.Ttls);
        }
    }

    [Fact]
    public async Task RegistryDownAtStart_StartsUnhealthyThenRegistersWhenItReturns()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var registry = new CountingRegistry(time) { Fail = true };
        await using var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandlers(),
            registry,
            configureBuilder: b => b.Services.AddSingleton<TimeProvider>(time));
        var health = app.Services.GetRequiredService<HealthCheckService>();

        var down = await health.CheckHealthAsync();
        Assert.Equal(HealthStatus.Unhealthy, down.Status);
        Assert.Contains("registry unreachable", down.Entries["micro-registration"].Description, StringComparison.Ordinal);

        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => registry.Registrations >= 2);
        Assert.Equal(HealthStatus.Unhealthy, (await health.CheckHealthAsync()).Status);
        registry.Fail = false;
        await AdvanceUntilAsync(time, TimeSpan.FromSeconds(1), () => registry.Registrations >= 3);

        // The service records the outcome just after the registry call returned: wait for it (the clock stands still).
        var status = HealthStatus.Unhealthy;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); status != HealthStatus.Healthy && DateTime.UtcNow < deadline; await Task.Delay(10))
        {
            status = (await health.CheckHealthAsync()).Status;
        }

        Assert.Equal(HealthStatus.Healthy, status);
        Assert.Equal(3, registry.Registrations);
        Assert.Single(await registry.GetServiceAsync("greeter"));
    }

    [Fact]
    public async Task LifecycleHooks_RunInGoMicroOrder()
    {
        var registry = new CountingRegistry();
        var log = registry.Log;
        void Add(string entry)
        {
            lock (log)
            {
                log.Add(entry);
            }
        }

        var app = await MicroTestHost.StartAsync("greeter", a => a.MapMicroHandlers(), registry, configure: m => m
            .BeforeStart((_, _) => { Add("before-start"); return Task.CompletedTask; })
            .AfterStart((_, _) => { Add("after-start"); return Task.CompletedTask; })
            .BeforeStop((_, _) => { Add("before-stop"); return Task.CompletedTask; })
            .AfterStop((_, _) => { Add("after-stop"); return Task.CompletedTask; }));
        await app.StopAsync();
        await app.DisposeAsync();

        Assert.Equal(["before-start", "register", "after-start", "before-stop", "deregister", "after-stop"], log);
    }

    [Fact]
    public async Task FunctionMode_ServesOneRequestThenDeregistersAndStops()
    {
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            "fn",
            a => a.MapMicroHandler("Fn.Call", (HelloRequest r) => new HelloReply("once " + r.Name)),
            registry,
            configureOptions: o => o.Function = true);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopped = new TaskCompletionSource();
        lifetime.ApplicationStopped.Register(stopped.SetResult);
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.PostAsJsonAsync("/Fn/Call", new { name = "x" });
        Assert.Equal("once x", (await response.Content.ReadFromJsonAsync<HelloReply>())!.Message);
        await app.WaitForShutdownAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(stopped.Task.IsCompleted);
        Assert.Empty(await registry.GetServiceAsync("fn"));
    }

    /// <summary>
    /// Moves the clock in steps much shorter than the delay being waited out, checking <paramref name="condition"/> after each:
    /// the clock cannot pass a second interval before the check sees the first (a step lost while the loop is between
    /// timers is made up by the next ones).
    /// </summary>
    private static async Task AdvanceUntilAsync(FakeTimeProvider time, TimeSpan step, Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition() && DateTime.UtcNow < deadline)
        {
            time.Advance(step);
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
