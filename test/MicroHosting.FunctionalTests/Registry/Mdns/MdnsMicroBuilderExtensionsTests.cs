using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Registry.Mdns;

[Collection(MdnsCollection.Name)]
public sealed class MdnsMicroBuilderExtensionsTests
{
    [Fact]
    public void AddMicroCore_NoRegistryChosen_SelectsMdns()
    {
        var services = new ServiceCollection().AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore();
        using var provider = services.BuildServiceProvider();

        Assert.IsType<MdnsRegistry>(provider.GetRequiredService<IRegistry>());
    }

    [Fact]
    public void Options_ConfigurationAndEnvironmentList_BindInterfaces()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Micro:Mdns:Domain"] = "local",
            ["Micro:Mdns:QueryTimeout"] = "00:00:00.250",
            ["MICRO_MDNS_INTERFACES"] = "lo, eth1",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddMicroCore().AddMdnsRegistry(o => o.Domain = "code");
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<MdnsRegistryOptions>>().Value;

        Assert.Equal("local", options.Domain); // Go Micro v1's domain, set in configuration
        Assert.Equal(["lo", "eth1"], options.Interfaces);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.QueryTimeout);
    }

    [Fact]
    public void Options_Default_AreGoMicroV2AndLaterDomainAndTheBounds()
    {
        var options = new MdnsRegistryOptions();

        Assert.Equal("micro", options.Domain);
        Assert.Equal((4096, 8L * 1024 * 1024, TimeSpan.FromMinutes(75), 20), (options.MaxCacheEntries, options.MaxTxtBytes, options.MaxRecordTtl, options.UnicastRepliesPerSender));
    }

    [Theory]
    [InlineData("", "Micro:Mdns:Domain '' is not a DNS domain (it is empty). Use 'micro' (the default, Go Micro v2 and later) or 'local' (Go Micro v1).")]
    [InlineData("local", "Micro:Mdns:Port must be between 1 and 65535 (mDNS uses 5353), but is 0.")]
    public void Constructor_InvalidOptions_ThrowsWithFix(string domain, string message)
    {
        var options = new MdnsRegistryOptions { Domain = domain, Port = domain.Length == 0 ? 5353 : 0 };

        var ex = Assert.Throws<InvalidOperationException>(() => new MdnsRegistry(options));

        Assert.Equal(message, ex.Message);
    }

    [Fact]
    public async Task GetServiceAsync_UnknownInterface_ThrowsNamingTheFix()
    {
        var options = new MdnsRegistryOptions();
        options.Interfaces.Add("nosuch0");
        await using var registry = new MdnsRegistry(options);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => registry.GetServiceAsync("greeter"));

        Assert.StartsWith("The mDNS interface 'nosuch0' (Micro:Mdns:Interfaces / MICRO_MDNS_INTERFACES) does not exist. This machine has: ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_MdnsRegistry_RegistersOnStartAndSaysGoodbyeOnStop()
    {
        var domain = MdnsTestSupport.NewDomain();
        await using var observer = MdnsTestSupport.Create(domain);
        var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandler("Greeter.Hello", (string name) => "Hello " + name),
            configure: micro => micro.AddMdnsRegistry(o =>
            {
                o.Domain = domain;
                o.Interfaces.Clear();
                o.Interfaces.Add("lo");
            }));
        try
        {
            var services = await MdnsTestSupport.EventuallyAsync(() => observer.GetServiceAsync("greeter"), s => s.Count == 1);
            var node = Assert.Single(Assert.Single(services).Nodes);
            Assert.Equal(app.BaseAddress().Port, node.Port);
            Assert.Equal("mdns", node.Metadata["registry"]);
            Assert.Contains(Assert.Single(services).Endpoints, e => e.Name == "Greeter.Hello");
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Assert.Empty(await observer.GetServiceAsync("greeter"));
    }
}
