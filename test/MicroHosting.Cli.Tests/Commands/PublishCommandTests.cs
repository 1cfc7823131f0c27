using System.Text.Json;
using System.Threading.Channels;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class PublishCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Publish_Nats_TheSubscriberReceivesTheMessage()
    {
        var id = Guid.NewGuid().ToString("N");

        var result = await MicroCli.RunAsync(fixture.Environment, "publish", fixture.Topic, $$"""{"id":"{{id}}"}""", "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(JsonDocument.Parse(result.Output).RootElement.GetProperty("published").GetBoolean());
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)); // the subscriber in this process; generous for a loaded machine
        while (true)
        {
            var message = await fixture.Received.Reader.ReadAsync(wait.Token);
            if (message.Id == id)
            {
                break;
            }
        }
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Publish_BadJson_ExitCode2SayingWhyAndPublishesNothing()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "publish", fixture.Topic, "not json");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: the request is not valid JSON", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("published to", result.Error, StringComparison.Ordinal);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task Publish_HttpBroker_ExitsAfterTheSubscriberHandledIt()
    {
        var topic = "cli.http." + Guid.NewGuid().ToString("N")[..8];
        var received = Channel.CreateUnbounded<OrderPlaced>();
        await using var subscriber = await StartHttpSubscriberAsync(topic, (m, ct) => received.Writer.WriteAsync(m, ct).AsTask());
        var id = Guid.NewGuid().ToString("N");

        var result = await MicroCli.RunAsync(HttpEnvironment, "publish", topic, $$"""{"id":"{{id}}"}""", "--broker", "http");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(received.Reader.TryRead(out var message), "the command returned before the subscriber had the message");
        Assert.Equal(id, message.Id);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task Publish_HttpBrokerNoSubscriber_ExitCode3AndSaysSo()
    {
        var topic = "cli.nobody." + Guid.NewGuid().ToString("N")[..8];

        var result = await MicroCli.RunAsync(HttpEnvironment, "publish", topic, """{"id":"lost"}""", "--broker", "http");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains($"no subscriber of {topic} is registered", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("published", result.Error, StringComparison.Ordinal);
    }

    [ExternalServerFact("etcd", "etcd-server")]
    public async Task Publish_HttpBrokerSubscriberFails_ExitCode4AndSaysSo()
    {
        var topic = "cli.failing." + Guid.NewGuid().ToString("N")[..8];
        await using var subscriber = await StartHttpSubscriberAsync(topic, (_, _) => throw MicroException.Conflict("audit", "duplicate order"));

        var result = await MicroCli.RunAsync(HttpEnvironment, "publish", topic, """{"id":"o-1"}""", "--broker", "http");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains($"no subscriber of {topic} accepted the message", result.Error, StringComparison.Ordinal);
    }

    private Dictionary<string, string?> HttpEnvironment => new(fixture.Environment)
    {
        ["MICRO_BROKER"] = "http",
        ["Micro__HttpBroker__RetryDelay"] = "00:00:00.010",
        ["Micro__HttpBroker__MaxRetryDelay"] = "00:00:00.050",
    };

    private async Task<WebApplication> StartHttpSubscriberAsync(string topic, Func<OrderPlaced, CancellationToken, Task> handle)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddMicro(o =>
            {
                o.Name = "audit-" + Guid.NewGuid().ToString("N")[..8];
                o.Registry = "etcd";
                o.RegistryAddress = fixture.Etcd.ClientAddress;
                o.Broker = "http";
            })
            .AddEtcdRegistry();
        builder.Services.AddMicroSubscriber(topic, handle);
        var app = builder.Build();
        await app.StartAsync();
        return app;
    }
}
