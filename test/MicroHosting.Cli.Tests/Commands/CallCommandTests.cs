using System.Text.Json;
using MicroHosting.TestUtilities;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class CallCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Call_Endpoint_PrintsTheReplyJson()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "call", fixture.Service, "Greeter.Hello", """{"name":"John"}""");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Hello John", JsonDocument.Parse(result.Output).RootElement.GetProperty("message").GetString());
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Call_RemoteError_PrintsTheErrorJsonExitCode1()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "call", fixture.Service, "Greeter.Hello", """{"name":"bad"}""");

        Assert.True(result.ExitCode == 1, result.ToString());
        var error = JsonDocument.Parse(result.Output).RootElement;
        Assert.Equal((400, "bad name", "greeter"), (error.GetProperty("code").GetInt32(), error.GetProperty("detail").GetString(), error.GetProperty("id").GetString()));
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Call_UnknownService_ExitCode3WithErrorJson()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "call", "nobody-" + Guid.NewGuid().ToString("N"), "Greeter.Hello", "{}");

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("not found", JsonDocument.Parse(result.Output).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Call_BadJson_ExitCode2AndNoCall()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "call", fixture.Service, "Greeter.Hello", "{name:");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("not valid JSON", result.Error, StringComparison.Ordinal);
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Call_EtcdUnreachable_ExitCode4()
    {
        var result = await MicroCli.RunAsync(null, "call", fixture.Service, "Greeter.Hello", "{}", "--registry", "etcd", "--registry_address", "127.0.0.1:" + MicroCli.Port(ExternalServer.FreeTcpPort()), "--timeout", "3s");

        Assert.True(result.ExitCode == 4, result.ToString());
        Assert.Contains("etcd", result.Error + result.Output, StringComparison.Ordinal);
    }
}
