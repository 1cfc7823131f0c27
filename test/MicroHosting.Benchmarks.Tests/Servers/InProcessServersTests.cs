using MicroHosting.Benchmarks.Servers;

namespace MicroHosting.Benchmarks.Tests.Servers;

public sealed class InProcessServersTests
{
    [Fact]
    public async Task StartAsync_ThreeServers_ListenOnLoopbackAndReportTheRegisteredService()
    {
        await using var servers = await InProcessServers.StartAsync(CancellationToken.None);

        var addresses = servers.Addresses;
        Assert.All([addresses.Raw, addresses.Micro, addresses.Grpc], uri => Assert.Equal("127.0.0.1", uri.Host));
        Assert.Equal(3, new[] { addresses.Raw.Port, addresses.Micro.Port, addresses.Grpc.Port }.Distinct().Count());
        var node = Assert.Single(addresses.Service!.Nodes);
        Assert.Equal(BenchApps.MicroServiceName, addresses.Service.Name);
        Assert.Equal(addresses.Micro.Port, node.Port);
        Assert.Null(await servers.GetUsageAsync(CancellationToken.None));
    }
}
