using MicroHosting.Registry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Registry;

public sealed class StaticRegistryTests
{
    [Fact]
    public async Task FromConfiguration_ListsConfiguredNodes()
    {
        using var provider = Build(new()
        {
            ["MICRO_REGISTRY"] = "static",
            ["Micro:Static:Services:0:Name"] = "greeter",
            ["Micro:Static:Services:0:Addresses:0"] = "127.0.0.1:8081",
            ["Micro:Static:Services:0:Addresses:1"] = "127.0.0.1:8082",
            ["Micro:Static:Services:0:Metadata:framework"] = "microhosting",
        });
        var registry = provider.GetRequiredService<IRegistry>();

        var service = Assert.Single(await registry.GetServiceAsync("greeter"));

        Assert.Equal("static", registry.Name);
        Assert.Equal([8081, 8082], service.Nodes.Select(n => n.Port));
        Assert.All(service.Nodes, n => Assert.Equal("microhosting", n.Metadata["framework"]));
    }

    [Fact]
    public void FromConfiguration_BadAddress_ThrowsWithFix()
    {
        using var provider = Build(new()
        {
            ["MICRO_REGISTRY"] = "static",
            ["Micro:Static:Services:0:Name"] = "greeter",
            ["Micro:Static:Services:0:Addresses:0"] = "greeter.local",
        });

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IRegistry>());

        Assert.Equal("Static service 'greeter' lists address 'greeter.local', which is not ip:port (for example 127.0.0.1:8081).", ex.Message);
    }

    private static ServiceProvider Build(Dictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddMicroCore();
        return services.BuildServiceProvider();
    }
}
