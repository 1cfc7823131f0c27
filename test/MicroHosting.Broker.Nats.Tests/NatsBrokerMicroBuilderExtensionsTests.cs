using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Nats.Tests;

[Collection(NatsCollection.Name)]
public sealed class NatsBrokerMicroBuilderExtensionsTests(NatsServer server)
{
    public sealed record Ping(string Text);

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task AddNatsBroker_MicroBrokerAddressFromEnvironment_UsedOverOptions()
    {
        var sink = new MessageSink<string>();
        await using var app = await MicroTestHost.StartAsync(
            "pinger",
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o => o.Url = "nats://127.0.0.1:1"),
            configureBuilder: b =>
            {
                b.Configuration["MICRO_BROKER_ADDRESS"] = $"127.0.0.1:{server.Port}";
                b.Services.AddMicroSubscriber<Ping>("nats.env", (p, _) =>
                {
                    sink.Add(p.Text);
                    return Task.CompletedTask;
                });
            });

        Assert.Equal("nats", app.Services.GetRequiredService<IBroker>().Name);
        await app.Services.GetRequiredService<IMicroPublisher>().PublishAsync("nats.env", new Ping("via env address"));
        Assert.Equal(["via env address"], await sink.WaitForAsync(1));
    }

    [Fact]
    public void AddNatsBroker_MicroBrokerEnvironmentVariable_WinsOverCode()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(
            new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MICRO_BROKER"] = "memory" }).Build());
        services.AddMicroCore().AddNatsBroker();
        using var provider = services.BuildServiceProvider();

        Assert.Equal("memory", provider.GetRequiredService<IBroker>().Name);
        Assert.Equal("nats", provider.GetRequiredKeyedService<IBroker>("nats").Name);
    }

    [Fact]
    public void AddNatsBroker_MessageFormatInConfiguration_WinsOverCode()
    {
        using var provider = Provider(new() { ["Micro:Nats:MessageFormat"] = "Headers" }, o => o.MessageFormat = NatsMessageFormat.GoMicro);

        Assert.Equal(NatsMessageFormat.Headers, provider.GetRequiredService<IOptions<NatsBrokerOptions>>().Value.MessageFormat);
    }

    [Fact]
    public void AddNatsBroker_UndefinedMessageFormat_FailsValidationWithFix()
    {
        using var provider = Provider(new() { ["Micro:Nats:MessageFormat"] = "7" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NatsBrokerOptions>>().Value);
        Assert.Equal("Micro:Nats:MessageFormat '7' is not a message format. Use GoMicro (Go Micro's JSON envelope, the default) or Headers (native NATS headers).", error.Message);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> configuration, Action<NatsBrokerOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddMicroCore().AddNatsBroker(configure);
        return services.BuildServiceProvider();
    }
}
