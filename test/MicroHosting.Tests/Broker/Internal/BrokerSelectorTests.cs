using MicroHosting.Broker;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Broker.Internal;

public sealed class BrokerSelectorTests
{
    [Theory]
    [InlineData("memory", "memory")]
    [InlineData("HTTP", "http")]
    public void Select_KnownBroker_ReturnsIt(string configured, string expected)
    {
        using var services = Build(configured);
        Assert.Equal(expected, services.GetRequiredService<IBroker>().Name);
    }

    [Fact]
    public void Select_NatsWithoutPackage_ThrowsWithFix()
    {
        using var services = Build("nats");
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IBroker>());
        Assert.Equal(
            "MICRO_BROKER is 'nats', but the NATS broker is not added: reference the MicroHosting.Broker.Nats package and call builder.Services.AddMicro().AddNatsBroker().",
            error.Message);
    }

    [Fact]
    public void Select_JetStreamWithoutPackage_ThrowsWithFix()
    {
        using var services = Build("jetstream");
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IBroker>());
        Assert.Equal(
            "MICRO_BROKER is 'jetstream', but the NATS JetStream broker is not added: reference the MicroHosting.Broker.Nats package and call builder.Services.AddMicro().AddNatsJetStream().",
            error.Message);
    }

    [Fact]
    public void Select_Unknown_ThrowsListingBrokers()
    {
        using var services = Build("kafka");
        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IBroker>());
        Assert.Equal("Broker 'kafka' (Micro:Broker / MICRO_BROKER) is not available. Built in: http, memory; others come from packages (nats: MicroHosting.Broker.Nats).", error.Message);
    }

    private static ServiceProvider Build(string broker)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["MICRO_BROKER"] = broker }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddMicroCore();
        return services.BuildServiceProvider();
    }
}
