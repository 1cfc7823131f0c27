using System.Text.Json;
using MicroHosting.TestUtilities;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class WatchCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server")]
    public async Task Watch_ServiceRegisters_PrintsTheEvent()
    {
        var name = "watched-" + Guid.NewGuid().ToString("N")[..8];
        using var process = MicroCli.Start(fixture.Environment, "watch", name, "--count", "1", "-o", "json");
        try
        {
            var error = process.StandardError;
            using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(90)); // generous: a cold CLI start on a loaded 2-core machine
            Assert.StartsWith("watching the etcd registry", await error.ReadLineAsync(ready.Token), StringComparison.Ordinal);

            // Registered again every second: should the watch start after the first registration, the next one is an event too.
            await using var app = await CliFixture.StartServiceAsync(
                name, fixture.Etcd.ClientAddress, fixture.Nats.Url, "cli.unused." + name, System.Threading.Channels.Channel.CreateUnbounded<OrderPlaced>().Writer, TimeSpan.FromSeconds(1));
            var line = await process.StandardOutput.ReadLineAsync(ready.Token);
            await process.WaitForExitAsync(ready.Token);

            var change = JsonDocument.Parse(line!).RootElement;
            Assert.Equal(name, change.GetProperty("service").GetString());
            Assert.Contains(change.GetProperty("type").GetString(), new[] { "create", "update" });
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
