using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

public sealed class NatsJetStreamOptionsTests
{
    [Fact]
    public void AddNatsJetStream_SelectsTheJetStreamBroker()
    {
        using var provider = Provider([]);

        Assert.Equal("jetstream", provider.GetRequiredService<IBroker>().Name);
    }

    [Fact]
    public void Options_FromConfiguration_WinOverCode()
    {
        using var provider = Provider(
            new()
            {
                ["Micro:Nats:JetStream:Stream"] = "ORDERS",
                ["Micro:Nats:JetStream:Subjects:0"] = "shop.>",
                ["Micro:Nats:JetStream:MaxDeliver"] = "7",
                ["Micro:Nats:JetStream:Backoff:0"] = "00:00:02",
                ["Micro:Nats:JetStream:Backoff:1"] = "00:01:00",
                ["Micro:Nats:JetStream:Retention"] = "WorkQueue",
                ["Micro:Nats:JetStream:DeliverFrom"] = "BySequence",
                ["Micro:Nats:JetStream:StartSequence"] = "42",
            },
            o => o.JetStream.MaxDeliver = 3);

        var options = provider.GetRequiredService<IOptions<NatsBrokerOptions>>().Value.JetStream;
        Assert.Equal("ORDERS", options.Stream);
        Assert.Equal(["shop.>"], options.Subjects);
        Assert.Equal(7, options.MaxDeliver);
        Assert.Equal(NatsJetStreamRetention.WorkQueue, options.Retention);
        Assert.Equal(42ul, options.StartSequence);
        Assert.Equal(TimeSpan.FromSeconds(2), options.BackoffFor(1));
        Assert.Equal(TimeSpan.FromMinutes(1), options.BackoffFor(2));
        Assert.Equal(TimeSpan.FromMinutes(1), options.BackoffFor(9));
    }

    [Fact]
    public void Backoff_Default_OneFiveThirtySeconds()
    {
        var options = new NatsJetStreamOptions();

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30)], Enumerable.Range(1, 4).Select(options.BackoffFor));
    }

    [Theory]
    [InlineData("Micro:Nats:JetStream:MaxDeliver", "0", "Micro:Nats:JetStream:MaxDeliver must be at least 1 (got 0).")]
    [InlineData("Micro:Nats:JetStream:DeliverFrom", "ByTime", "Micro:Nats:JetStream:DeliverFrom is ByTime: set Micro:Nats:JetStream:StartTime (for example 2026-01-01T00:00:00Z).")]
    [InlineData("Micro:Nats:JetStream:Subjects:0", "micro.>", "Micro:Nats:JetStream:Subjects (micro.>) cover the dead-letter subjects micro.deadletter.>: use narrower subjects or another DeadLetterPrefix.")]
    [InlineData("Micro:Nats:JetStream:Stream", "my.stream", "Micro:Nats:JetStream:Stream 'my.stream' and DeadLetterStream 'MICRO_DEADLETTER' must be two different names without spaces, '.', '*', '>' or slashes.")]
    [InlineData("Micro:Nats:PublishTimeout", "00:00:00", "Micro:Nats:PublishTimeout must be positive (got 00:00:00); for example 00:00:05.")]
    [InlineData("Micro:Nats:User", "billing", "Micro:Nats:User is set without Micro:Nats:Password: set both for user/password authentication.")]
    [InlineData("Micro:Nats:CredentialsFile", "/nonexistent/user.creds", "Micro:Nats:CredentialsFile '/nonexistent/user.creds' does not exist.")]
    public void Options_Invalid_FailValidationWithFix(string key, string value, string message)
    {
        using var provider = Provider(new() { [key] = value });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NatsBrokerOptions>>().Value);
        Assert.Equal(message, error.Message);
    }

    private static ServiceProvider Provider(Dictionary<string, string?> configuration, Action<NatsBrokerOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(configuration).Build());
        services.AddMicroCore().AddNatsJetStream(configure);
        return services.BuildServiceProvider();
    }
}
