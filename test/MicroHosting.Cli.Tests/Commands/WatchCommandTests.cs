using System.Text.Json;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class WatchCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Watch_ServiceRegisters_PrintsTheEvent()
    {
        var name = "watched-" + Guid.NewGuid().ToString("N")[..8];
        using var process = MicroCli.Start(fixture.Environment, "watch", name, "--count", "1", "-o", "json");
        await using var services = fixture.CreateRegistry();
        var registry = services.GetRequiredService<IRegistry>();
        try
        {
            using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // generous: a cold CLI start on a loaded 2-core machine
            Assert.StartsWith("watching the etcd registry", await process.StandardError.ReadLineAsync(ready.Token), StringComparison.Ordinal);

            // "watching" is printed before the tool's first read of etcd answers; a node registered before that read is
            // part of the baseline, not an event. So a new node is registered every second until the watch reports one.
            var line = process.StandardOutput.ReadLineAsync(ready.Token).AsTask();
            var registered = new List<string>();
            while (!line.IsCompleted)
            {
                var id = $"{name}-{registered.Count}";
                registered.Add(id);
                await registry.RegisterAsync(Service(name, id), TimeSpan.FromSeconds(30), ready.Token);
                await Task.WhenAny(line, Task.Delay(TimeSpan.FromSeconds(1), ready.Token));
            }

            var change = JsonDocument.Parse((await line)!).RootElement;
            await process.WaitForExitAsync(ready.Token);

            Assert.Equal(name, change.GetProperty("service").GetString());
            Assert.Equal("create", change.GetProperty("type").GetString());
            Assert.Contains(change.GetProperty("nodes")[0].GetProperty("id").GetString(), registered);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            foreach (var version in await registry.GetServiceAsync(name))
            {
                await registry.DeregisterAsync(version);
            }
        }
    }

    private static MicroService Service(string name, string id) => new()
    {
        Name = name,
        Version = "1.0.0",
        Nodes = [new MicroNode { Id = id, Address = "127.0.0.1", Port = 9 }],
    };
}
