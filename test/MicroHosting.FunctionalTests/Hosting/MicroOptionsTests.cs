using System.Net.Http.Json;
using MicroHosting.Hosting;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Hosting;

public sealed class MicroOptionsTests
{
    [Fact]
    public void Bind_GoMicroEnvironmentVariables_OverrideCodeAndSection()
    {
        var options = Resolve(
            new()
            {
                ["Micro:Name"] = "from-section",
                ["Micro:Version"] = "0.0.1",
                ["MICRO_SERVER_NAME"] = "greeter",
                ["MICRO_SERVER_VERSION"] = "2.0.0",
                ["MICRO_SERVER_ID"] = "greeter-1",
                ["MICRO_SERVER_ADDRESS"] = "127.0.0.1:8081",
                ["MICRO_SERVER_HTTP2_ADDRESS"] = "127.0.0.1:8082",
                ["MICRO_SERVER_ADVERTISE"] = "10.0.0.5:8081",
                ["MICRO_SERVER_METADATA"] = "region=eu, zone=a",
                ["MICRO_REGISTRY"] = "etcd",
                ["MICRO_REGISTRY_ADDRESS"] = "10.0.0.1:2379,10.0.0.2:2379",
                ["MICRO_REGISTER_TTL"] = "60",
                ["MICRO_REGISTER_INTERVAL"] = "20",
                ["MICRO_BROKER"] = "nats",
                ["MICRO_BROKER_ADDRESS"] = "127.0.0.1:4222",
            },
            o => o.Name = "from-code");

        Assert.Equal("greeter", options.Name);
        Assert.Equal("2.0.0", options.Version);
        Assert.Equal("greeter-1", options.Id);
        Assert.Equal("127.0.0.1:8081", options.Address);
        Assert.Equal("127.0.0.1:8082", options.Http2Address);
        Assert.Equal("10.0.0.5:8081", options.Advertise);
        Assert.Equal("eu", options.Metadata["region"]);
        Assert.Equal("a", options.Metadata["zone"]);
        Assert.Equal("etcd", options.Registry);
        Assert.Equal("10.0.0.1:2379,10.0.0.2:2379", options.RegistryAddress);
        Assert.Equal(TimeSpan.FromSeconds(60), options.RegisterTtl);
        Assert.Equal(TimeSpan.FromSeconds(20), options.RegisterInterval);
        Assert.Equal("nats", options.Broker);
        Assert.Equal("127.0.0.1:4222", options.BrokerAddress);
    }

    [Fact]
    public void Bind_Section_AppliesWhenNoEnvironment()
    {
        var options = Resolve(new() { ["Micro:Name"] = "greeter", ["Micro:Metadata:team"] = "core", ["Micro:RegisterTtl"] = "00:02:00" });

        Assert.Equal("greeter", options.Name);
        Assert.Equal("latest", options.Version);
        Assert.Equal("core", options.Metadata["team"]);
        Assert.Equal(TimeSpan.FromMinutes(2), options.RegisterTtl);
        Assert.StartsWith("greeter-", options.Id, StringComparison.Ordinal);
        Assert.Equal("mdns", options.Registry);
        Assert.Equal("http", options.Broker);
    }

    [Fact]
    public void Bind_TtlNotANumber_ThrowsWithFix()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Resolve(new() { ["MICRO_REGISTER_TTL"] = "soon" }));

        Assert.Equal("MICRO_REGISTER_TTL must be a whole number of seconds (for example 30), but is 'soon'.", ex.Message);
    }

    [Fact]
    public void Bind_MetadataNotKeyValue_ThrowsWithFix()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Resolve(new() { ["MICRO_SERVER_METADATA"] = "region" }));

        Assert.Equal("MICRO_SERVER_METADATA entry 'region' is not key=value. Use a comma-separated list such as 'region=eu,zone=a'.", ex.Message);
    }

    [Theory]
    [InlineData(null, null, 90, 30, "The service name is required: set Micro:Name in configuration, MICRO_SERVER_NAME in the environment, or AddMicro(o => o.Name = \"greeter\").")]
    [InlineData("my service", null, 90, 30, "The service name 'my service' contains a space")]
    [InlineData("greeter", "8081", 90, 30, "The server address '8081' (Micro:Address / MICRO_SERVER_ADDRESS) is not host:port. Examples: 127.0.0.1:8081, :8081, [::1]:0.")]
    [InlineData("greeter", null, 30, 30, "RegisterInterval (30s) must be shorter than RegisterTtl (30s), or the registration expires between refreshes.")]
    public async Task Start_InvalidOptions_FailsWithMessageSayingWhatToFix(string? name, string? address, int ttl, int interval, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => MicroTestHost.StartAsync(
            "placeholder",
            a => a.MapMicroHandlers(),
            configureOptions: o =>
            {
                o.Name = name;
                o.Address = address;
                o.RegisterTtl = TimeSpan.FromSeconds(ttl);
                o.RegisterInterval = TimeSpan.FromSeconds(interval);
            }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_UnknownRegistry_FailsNamingThePackage()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MICRO_REGISTRY"] = "etcd" });
        builder.Services.AddMicro(o => o.Name = "greeter");
        await using var app = builder.Build();
        app.MapMicroHandlers();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("reference the MicroHosting.Registry.Etcd package and call builder.Services.AddMicro().AddEtcdRegistry()", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerAddress_MakesKestrelListenThere()
    {
        var port = ExternalServer.FreeTcpPort();
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply("at " + r.Name)),
            registry,
            configureBuilder: b => b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MICRO_SERVER_ADDRESS"] = $"127.0.0.1:{port}" }));
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        var reply = await (await http.PostAsJsonAsync("/Greeter/Hello", new { name = "port" })).Content.ReadFromJsonAsync<HelloReply>();

        Assert.Equal("at port", reply!.Message);
        Assert.Equal(port, Assert.Single(Assert.Single(await registry.GetServiceAsync("greeter")).Nodes).Port);
    }

    [Fact]
    public void AddMicro_CalledTwice_RegistersOnce()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicro(o => o.Name = "a");
        var codecsOnce = services.Count(d => d.ServiceType == typeof(MicroHosting.Codecs.MicroCodec));
        services.AddMicro();

        Assert.Single(services, d => d.ImplementationType?.Name == "MicroRegistrationService");
        // JSON, protobuf, raw bytes, gRPC-framed (proto and JSON), Go Micro's legacy json-rpc and proto-rpc: each once.
        Assert.Equal((7, 7), (codecsOnce, services.Count(d => d.ServiceType == typeof(MicroHosting.Codecs.MicroCodec))));
    }

    private static MicroOptions Resolve(Dictionary<string, string?> values, Action<MicroOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        services.AddMicroCore(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<MicroOptions>>().Value;
    }
}
