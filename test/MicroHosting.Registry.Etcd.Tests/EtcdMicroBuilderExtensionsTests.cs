using MicroHosting.Registry.Etcd.Internal;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Etcd;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Etcd.Tests;

public sealed class EtcdMicroBuilderExtensionsTests
{
    [Fact]
    public void AddEtcdRegistry_NoConfiguration_SelectsEtcdWithGoMicroDefaults()
    {
        using var services = Build(new());

        var registry = Assert.IsType<EtcdRegistry>(services.GetRequiredService<IRegistry>());
        Assert.Equal("etcd", registry.Name);
        Assert.Equal("http://127.0.0.1:2379", registry.Endpoints);
        Assert.Equal("/micro/registry/", registry.Keys.Prefix);
    }

    [Fact]
    public void AddEtcdRegistry_MicroRegistryAddress_ReplacesTheAddresses()
    {
        using var services = Build(new() { ["MICRO_REGISTRY_ADDRESS"] = "10.0.0.5:2379, 10.0.0.6", ["Micro:Etcd:Addresses"] = "10.9.9.9:2379" });

        Assert.Equal("http://10.0.0.5:2379,http://10.0.0.6:2379", Assert.IsType<EtcdRegistry>(services.GetRequiredService<IRegistry>()).Endpoints);
    }

    [Fact]
    public void AddEtcdRegistry_MicroRegistryMemory_ConfigurationWinsOverCode()
    {
        using var services = Build(new() { ["MICRO_REGISTRY"] = "memory", ["MICRO_REGISTRY_ADDRESS"] = "not an address" });

        Assert.IsType<InMemoryRegistry>(services.GetRequiredService<IRegistry>());
        Assert.Equal("127.0.0.1:2379", services.GetRequiredService<IOptions<EtcdRegistryOptions>>().Value.Addresses);
    }

    [Fact]
    public void AddEtcdRegistry_EtcdSection_BindsOverCode()
    {
        using var services = Build(
            new() { ["Micro:Etcd:Prefix"] = "/team/registry", ["Micro:Etcd:OperationTimeout"] = "00:00:02", ["Micro:Etcd:Username"] = "svc", ["Micro:Etcd:Password"] = "secret" },
            o =>
            {
                o.Prefix = "/from-code/";
                o.Addresses = "https://etcd.internal:2379";
            });

        var options = services.GetRequiredService<IOptions<EtcdRegistryOptions>>().Value;
        Assert.Equal(("/team/registry", TimeSpan.FromSeconds(2), "svc"), (options.Prefix, options.OperationTimeout, options.Username));
        var registry = Assert.IsType<EtcdRegistry>(services.GetRequiredService<IRegistry>());
        Assert.Equal("/team/registry/", registry.Keys.Prefix);
        Assert.Equal("https://etcd.internal:2379", registry.Endpoints);
    }

    [Theory]
    [InlineData("MICRO_REGISTRY_ADDRESS", "10.0.0.5:99999", "The etcd address '10.0.0.5:99999' (Micro:Etcd:Addresses / MICRO_REGISTRY_ADDRESS) is not host:port. Use a comma-separated list such as 127.0.0.1:2379,10.0.0.6:2379.")]
    [InlineData("MICRO_REGISTRY_ADDRESS", "fd00::1:2379", "The etcd address 'fd00::1:2379' (Micro:Etcd:Addresses / MICRO_REGISTRY_ADDRESS) is not host:port. Use a comma-separated list such as 127.0.0.1:2379,10.0.0.6:2379.")]
    [InlineData("Micro:Etcd:Addresses", "ftp://10.0.0.5:2379", "The etcd address 'ftp://10.0.0.5:2379' (Micro:Etcd:Addresses / MICRO_REGISTRY_ADDRESS) is not host:port. Use a comma-separated list such as 127.0.0.1:2379,10.0.0.6:2379.")]
    [InlineData("Micro:Etcd:Addresses", " , ", "The etcd address ' , ' (Micro:Etcd:Addresses / MICRO_REGISTRY_ADDRESS) is not host:port. Use a comma-separated list such as 127.0.0.1:2379,10.0.0.6:2379.")]
    [InlineData("Micro:Etcd:Prefix", "micro/registry/", "The etcd key prefix 'micro/registry/' (Micro:Etcd:Prefix) must start with '/'. Go Micro uses /micro/registry/ (the default).")]
    [InlineData("Micro:Etcd:Username", "svc", "Micro:Etcd:Username and Micro:Etcd:Password go together: set both or neither.")]
    [InlineData("Micro:Etcd:KeyFile", "/etc/hostname", "Micro:Etcd:CertFile and Micro:Etcd:KeyFile go together: set both for a client certificate, or neither.")]
    [InlineData("Micro:Etcd:CaFile", "/nonexistent/ca.pem", "Micro:Etcd:CaFile '/nonexistent/ca.pem' does not exist.")]
    [InlineData("Micro:Etcd:OperationTimeout", "00:00:00", "Micro:Etcd:OperationTimeout must be positive, but is 00:00:00.")]
    [InlineData("Micro:Etcd:DialTimeout", "-00:00:01", "Micro:Etcd:DialTimeout must be positive, but is -00:00:01.")]
    public void AddEtcdRegistry_BadSetting_FailsWithMessageSayingWhatToFix(string key, string value, string message)
    {
        using var services = Build(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EtcdRegistryOptions>>().Value);

        Assert.Equal([message], error.Failures);
    }

    [Fact]
    public async Task AddEtcdRegistry_BadAddressAtHostStart_FailsTheStart()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MICRO_REGISTRY_ADDRESS"] = "10.0.0.5:x" });
        builder.Services.AddMicro(o => o.Name = "greeter").AddEtcdRegistry();
        await using var app = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("The etcd address '10.0.0.5:x'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddEtcdRegistry_CalledTwice_AddsOneHealthCheckAndOneRegistry()
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        collection.AddLogging();
        collection.AddMicroCore().AddEtcdRegistry().AddEtcdRegistry(o => o.Prefix = "/second/");
        using var services = collection.BuildServiceProvider();

        var health = services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value;
        Assert.Single(health.Registrations, r => r.Name == "micro-etcd");
        Assert.Same(services.GetRequiredService<IRegistry>(), services.GetRequiredKeyedService<IRegistry>("etcd"));
        Assert.Equal("/second/", services.GetRequiredService<IOptions<EtcdRegistryOptions>>().Value.Prefix);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task AddEtcdRegistry_EtcdDownAtStart_ServiceStartsUnhealthyAndRegistersWhenEtcdComes()
    {
        await using var server = await EtcdServer.StartAsync();
        await server.StopAsync();
        var name = TestData.UniqueName("late");
        await using var app = await MicroTestHost.StartAsync(
            name,
            _ => { },
            configure: micro => micro.AddEtcdRegistry(o => o.Addresses = server.ClientAddress),
            configureOptions: o =>
            {
                o.RegisterTtl = TimeSpan.FromSeconds(5);
                o.RegisterInterval = TimeSpan.FromSeconds(1);
            });
        var health = app.Services.GetRequiredService<HealthCheckService>();
        var down = await health.CheckHealthAsync(r => r.Tags.Contains("micro"));
        Assert.Equal(HealthStatus.Unhealthy, down.Entries["micro-etcd"].Status);
        Assert.Equal(HealthStatus.Unhealthy, down.Entries["micro-registration"].Status);
        Assert.Contains($"etcd registry (http://{server.ClientAddress})", down.Entries["micro-etcd"].Description, StringComparison.Ordinal);

        await server.StartAgainAsync();
        await using var observer = TestData.Registry(server.ClientAddress);

        Assert.True(await Eventually.TrueAsync(async () => (await observer.GetServiceAsync(name)).Count == 1, TimeSpan.FromSeconds(20)));
        var node = Assert.Single(Assert.Single(await observer.GetServiceAsync(name)).Nodes);
        Assert.Equal((app.BaseAddress().Port, "etcd"), (node.Port, node.Metadata["registry"]));
        Assert.True(await Eventually.TrueAsync(async () => (await health.CheckHealthAsync(r => r.Tags.Contains("micro"))).Status == HealthStatus.Healthy, TimeSpan.FromSeconds(10)));
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task AddEtcdRegistry_HostStops_DeregistersTheNode()
    {
        await using var server = await EtcdServer.StartAsync();
        var name = TestData.UniqueName("graceful");
        await using var observer = TestData.Registry(server.ClientAddress);
        var app = await MicroTestHost.StartAsync(name, _ => { }, configure: micro => micro.AddEtcdRegistry(o => o.Addresses = server.ClientAddress));
        Assert.Single(await observer.GetServiceAsync(name));

        await app.StopAsync();
        await app.DisposeAsync();

        Assert.Empty(await observer.GetServiceAsync(name));
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings, Action<EtcdRegistryOptions>? configure = null)
    {
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        collection.AddLogging();
        collection.AddMicroCore().AddEtcdRegistry(configure);
        return collection.BuildServiceProvider();
    }
}
