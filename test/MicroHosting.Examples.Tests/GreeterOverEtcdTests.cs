using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;

namespace MicroHosting.Examples.Tests;

/// <summary>The Greeter service and client as separate processes that find each other through a real etcd.</summary>
public sealed class GreeterOverEtcdTests
{
    [ExternalServerFact("etcd", "etcd-server")]
    public async Task GreeterClient_FindsGreeterServiceThroughEtcd()
    {
        await using var etcd = await EtcdServer.StartAsync();
        var environment = new Dictionary<string, string?>
        {
            ["MICRO_REGISTRY"] = "etcd",
            ["MICRO_REGISTRY_ADDRESS"] = etcd.ClientAddress,
            ["MICRO_SERVER_ADDRESS"] = "127.0.0.1:0",
        };
        await using var service = ChildProcess.StartProject("examples/Greeter.Service", environment: environment);
        await service.WaitForAsync(@"Registered greeter node .* in the etcd registry", ChildProcess.Generous);

        await using var client = ChildProcess.StartProject("examples/Greeter.Client", ["--name", "Etcd"], environment);
        var exitCode = await client.WaitForExitAsync(ChildProcess.Generous);

        Assert.True(exitCode == 0, client.Output);
        Assert.Contains("Hello Etcd", client.Output, StringComparison.Ordinal);
        await service.StopAsync(TimeSpan.FromSeconds(15));
        await service.WaitForAsync("Deregistered greeter node", TimeSpan.FromSeconds(1));
    }
}
