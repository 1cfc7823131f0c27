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

        // Resumes: a service that registered only after etcd came back is found through etcd (the cache never saw it).
        // Before: while etcd is down, that service cannot be found (the control: the cache alone does not know it).
        var later = "later-" + Guid.NewGuid().ToString("N")[..8];
        await Assert.ThrowsAnyAsync<MicroException>(() => client.CallAsync<Ping, Ping>(later, "Ping.Echo", new Ping("early")));
        await etcd.StartAgainAsync();
        await using var laterService = await MicroTestHost.StartAsync(
            later,
            a => a.MapMicroHandler("Ping.Echo", (Ping p) => new Ping("later " + p.Text)),
            configure: m => m.AddEtcdRegistry(o => o.Addresses = etcd.ClientAddress));
        // The client's etcd connection reconnects with backoff, so it resumes soon after etcd is back, not at once.
        Assert.True(await Eventually.TrueAsync(
            async () => (await client.CallAsync<Ping, Ping>(later, "Ping.Echo", new Ping("back"))).Text == "later back",
            TimeSpan.FromSeconds(60)));
        Assert.Equal("pong back", (await client.CallAsync<Ping, Ping>(name, "Ping.Echo", new Ping("back"))).Text);
        await clientHost.StopAsync();
    }
}
