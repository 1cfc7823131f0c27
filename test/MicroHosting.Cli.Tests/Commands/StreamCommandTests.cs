using MicroHosting.TestUtilities;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class StreamCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Stream_ServerStreaming_PrintsEveryReplyAsAJsonLine()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "stream", fixture.Service, "Numbers.Count", """{"to":3}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["""{"value":1}""", """{"value":2}""", """{"value":3}"""], result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Stream_UndecodableRequest_PrintsTheErrorJsonExitCode1()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "stream", fixture.Service, "Numbers.Count", """{"to":"many"}""");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("\"code\":400", result.Output, StringComparison.Ordinal);
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Stream_EndpointNotTypeDotMethod_UsageErrorBeforeAnyLookup()
    {
        // The core's rule: one dot, no route characters; "Numbers.{to}" once became the path /Numbers/{to}.
        var result = await MicroCli.RunAsync(fixture.Environment, "stream", fixture.Service, "Numbers.{to}", "{}");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("error: endpoint 'Numbers.{to}' is not of the form Type.Method (for example Numbers.Count)", result.Error.Trim());
    }
}
