using System.Text.Json;
using MicroHosting.TestUtilities;

namespace MicroHosting.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class ServiceCommandTests(CliFixture fixture)
{
    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Services_RegisteredInEtcd_ListsTheService()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "services");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(fixture.Service, result.Output.Split('\n', StringSplitOptions.TrimEntries));
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Services_FlagsInsteadOfEnvironment_JsonListsTheService()
    {
        var result = await MicroCli.RunAsync(null, "services", "--registry", "etcd", "--registry_address", fixture.Etcd.ClientAddress, "--output", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(fixture.Service, JsonSerializer.Deserialize<string[]>(result.Output)!);
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Service_Table_ShowsVersionNodeMetadataAndEndpointShapes()
    {
        var node = await fixture.NodeAsync();

        var result = await MicroCli.RunAsync(fixture.Environment, "service", fixture.Service);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("version  1.2.0", result.Output, StringComparison.Ordinal);
        var nodeLine = Assert.Single(result.Output.Split('\n'), l => l.StartsWith(node.Id, StringComparison.Ordinal));
        Assert.Contains(node.HostPort, nodeLine, StringComparison.Ordinal);
        Assert.Contains("zone=test", nodeLine, StringComparison.Ordinal);
        var hello = Assert.Single(result.Output.Split('\n'), l => l.StartsWith("Greeter.Hello", StringComparison.Ordinal));
        Assert.Contains("HelloRequest{name string}", hello, StringComparison.Ordinal);
        Assert.Contains("HelloReply{message string}", hello, StringComparison.Ordinal);
        Assert.Contains("stream=true", Assert.Single(result.Output.Split('\n'), l => l.StartsWith("Numbers.Count", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Service_Json_IsTheRegistryModel()
    {
        var node = await fixture.NodeAsync();

        var result = await MicroCli.RunAsync(fixture.Environment, "service", fixture.Service, "-o", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var service = Assert.Single(JsonDocument.Parse(result.Output).RootElement.EnumerateArray());
        Assert.Equal((fixture.Service, "1.2.0"), (service.GetProperty("name").GetString(), service.GetProperty("version").GetString()));
        Assert.Equal(node.Id, service.GetProperty("nodes")[0].GetProperty("id").GetString());
        Assert.Contains(service.GetProperty("endpoints").EnumerateArray(), e => e.GetProperty("name").GetString() == "Greeter.Hello");
    }

    [ExternalServerFact("etcd", "etcd-server", "nats-server", "nats-server")] // CliFixture starts both
    public async Task Service_Unknown_ExitCode3()
    {
        var result = await MicroCli.RunAsync(fixture.Environment, "service", "nobody-" + Guid.NewGuid().ToString("N"));

        Assert.True(result.ExitCode == 3, result.ToString());
        Assert.Contains("not found in the etcd registry", result.Error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.Output);
    }
}
