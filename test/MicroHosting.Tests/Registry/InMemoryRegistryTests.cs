using MicroHosting.Registry;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Registry;

public sealed class InMemoryRegistryTests
{
    private static MicroService Service(string id, string version = "latest") => new()
    {
        Name = "greeter",
        Version = version,
        Nodes = [new MicroNode { Id = id, Address = "127.0.0.1", Port = 8080 }],
    };

    [Fact]
    public async Task Register_GroupsNodesByVersion()
    {
        using var registry = new InMemoryRegistry();
        await registry.RegisterAsync(Service("a"), TimeSpan.Zero);
        await registry.RegisterAsync(Service("b"), TimeSpan.Zero);
        await registry.RegisterAsync(Service("c", "2.0"), TimeSpan.Zero);

        var services = await registry.GetServiceAsync("greeter");

        Assert.Equal(2, services.Count);
        Assert.Equal(["a", "b"], services.Single(s => s.Version == "latest").Nodes.Select(n => n.Id).Order());
        Assert.Equal(2, (await registry.ListServicesAsync()).Count);
    }

    [Fact]
    public async Task Watch_SeesCreateUpdateDelete()
    {
        using var registry = new InMemoryRegistry();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var events = new List<RegistryEvent>();
        var watch = registry.WatchAsync("greeter", cts.Token);
        var watching = Task.Run(async () =>
        {
            await foreach (var e in watch)
            {
                events.Add(e);
                if (events.Count == 3)
                {
                    break;
                }
            }
        });

        await registry.RegisterAsync(Service("a"), TimeSpan.Zero);
        await registry.RegisterAsync(Service("a"), TimeSpan.Zero);
        await registry.DeregisterAsync(Service("a"));
        await watching;

        Assert.Equal([RegistryEventType.Create, RegistryEventType.Update, RegistryEventType.Delete], events.Select(e => e.Type));
        Assert.All(events, e => Assert.Equal("a", Assert.Single(e.Service.Nodes).Id));
    }

    [Fact]
    public async Task Ttl_ExpiredNodeDisappearsAndIsReportedDeleted()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var registry = new InMemoryRegistry(time);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var deleted = new TaskCompletionSource<RegistryEvent>();
        var watch = registry.WatchAsync(null, cts.Token);
        _ = Task.Run(async () =>
        {
            await foreach (var e in watch)
            {
                if (e.Type == RegistryEventType.Delete)
                {
                    deleted.TrySetResult(e);
                }
            }
        });
        await registry.RegisterAsync(Service("a"), TimeSpan.FromSeconds(10));

        time.Advance(TimeSpan.FromSeconds(9));
        Assert.Single(await registry.GetServiceAsync("greeter"));
        time.Advance(TimeSpan.FromSeconds(2));

        Assert.Empty(await registry.GetServiceAsync("greeter"));
        Assert.Equal("a", Assert.Single((await deleted.Task.WaitAsync(TimeSpan.FromSeconds(10))).Service.Nodes).Id);
    }
}
