using System.Text.Json;
using MicroHosting.TestUtilities;

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
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
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
}
