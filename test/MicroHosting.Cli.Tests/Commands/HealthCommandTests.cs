using System.Text.Json;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class HealthCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Health_EveryNode_ReportsDebugHealth()
    {
        var node = await fixture.NodeAsync();

        var result = await MicroCli.RunAsync(fixture.Environment, "health", fixture.Service, "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var reported = Assert.Single(JsonDocument.Parse(result.Output).RootElement.EnumerateArray());
        Assert.Equal((node.Id, node.HostPort, "ok"), (reported.GetProperty("node").GetString(), reported.GetProperty("address").GetString(), reported.GetProperty("status").GetString()));
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Health_NodeGone_ExitCode1AndUnreachable()
    {
        // A second node registered under the same name whose process is gone: its entry outlives it until the lease ends.
        var name = "health-" + Guid.NewGuid().ToString("N")[..8];
        var app = await CliFixture.StartServiceAsync(name, fixture.Etcd.ClientAddress, fixture.Nats.Url, "cli.unused." + name, System.Threading.Channels.Channel.CreateUnbounded<OrderPlaced>().Writer);
        var service = Assert.Single(await app.Services.GetRequiredService<MicroHosting.Registry.IRegistry>().GetServiceAsync(name));
        await app.DisposeAsync();
        await using var registry = fixture.CreateRegistry();
        await registry.GetRequiredService<MicroHosting.Registry.IRegistry>().RegisterAsync(service, TimeSpan.FromSeconds(30)); // back, with nobody listening

        var result = await MicroCli.RunAsync(fixture.Environment, "health", name, "--timeout", "3s");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("unreachable", result.Output, StringComparison.Ordinal);
    }
}
