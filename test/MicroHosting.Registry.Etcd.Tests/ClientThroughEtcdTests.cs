using MicroHosting.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace MicroHosting.Registry.Etcd.Tests;

/// <summary>Client calls discovered through etcd, including while etcd is down (served from the client's registry cache).</summary>
public sealed class ClientThroughEtcdTests
{
    public sealed record Ping(string Text);

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task Call_EtcdGoesDown_KeepsWorkingFromTheCacheAndResumes()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var name = "cached-" + Guid.NewGuid().ToString("N")[..8];
        await using var service = await MicroTestHost.StartAsync(
            name,
            a => a.MapMicroHandler("Ping.Echo", (Ping p) => new Ping("pong " + p.Text)),
            configure: m => m.AddEtcdRegistry(o => o.Addresses = etcd.ClientAddress));
        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        clientBuilder.Services.AddMicroCore().AddEtcdRegistry(o => o.Addresses = etcd.ClientAddress);
        using var clientHost = clientBuilder.Build();
        await clientHost.StartAsync();
        var client = clientHost.Services.GetRequiredService<IMicroClient>();

        Assert.Equal("pong 1", (await client.CallAsync<Ping, Ping>(name, "Ping.Echo", new Ping("1"))).Text);
        await etcd.StopAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal($"pong down{i}", (await client.CallAsync<Ping, Ping>(name, "Ping.Echo", new Ping($"down{i}"))).Text);
        }

        await etcd.StartAgainAsync();
        Assert.Equal("pong back", (await client.CallAsync<Ping, Ping>(name, "Ping.Echo", new Ping("back"))).Text);
        await clientHost.StopAsync();
    }
}
