using System.Text.RegularExpressions;
using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

/// <summary>examples/Greeter (the README's main job) and examples/Greeter.Client, run as their users run them.</summary>
public sealed partial class GreeterDemoTests
{
    [Fact]
    public async Task GreeterDemo_Run_CallsTenTimesByNameAcrossBothNodesAndExitsZero()
    {
        // As the README's quick start runs it: dotnet run --project examples/Greeter, from the repository root.
        await using var demo = ChildProcess.DotnetRun("examples/Greeter", ["--name", "Ann"]);

        Assert.Equal(0, await demo.WaitForExitAsync(ChildProcess.Generous));
        var output = demo.Output;
        var calls = CallLine().Matches(output);
        Assert.Equal(10, calls.Count);
        Assert.All(calls, (m, i) => Assert.Equal($"Hello Ann #{i + 1}", m.Groups["reply"].Value));

        // Both nodes are listed with their ids; every call names the node that served it.
        var nodes = NodeLine().Matches(output).ToDictionary(m => m.Groups["label"].Value, m => m.Groups["id"].Value);
        Assert.Equal(["node 1", "node 2"], nodes.Keys.Order());
        Assert.All(calls, m => Assert.Equal(nodes[m.Groups["label"].Value], m.Groups["id"].Value));
        Assert.Matches(@"Calls per node: node 1 \d+, node 2 \d+", output);
    }

    [Fact]
    public async Task GreeterClient_StaticRegistry_FindsTheServiceAndPrintsTheReply()
    {
        var port = ExternalServer.FreeTcpPort();
        await using var service = ChildProcess.StartProject("examples/Greeter.Service", environment: new Dictionary<string, string?>
        {
            ["MICRO_SERVER_ADDRESS"] = $"127.0.0.1:{port}",
            ["MICRO_REGISTRY"] = "memory",
        });
        await service.WaitForAsync("Registered greeter node", ChildProcess.Generous);

        await using var client = ChildProcess.StartProject("examples/Greeter.Client", ["--name", "John"], StaticRegistry(port));

        Assert.Equal(0, await client.WaitForExitAsync(ChildProcess.Generous));
        Assert.Contains("Hello John", client.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GreeterClient_NoGreeterRunning_ExitsNonZeroSayingWhy()
    {
        var port = ExternalServer.FreeTcpPort();
        await using var client = ChildProcess.StartProject("examples/Greeter.Client", ["--name", "John"], StaticRegistry(port));

        Assert.Equal(1, await client.WaitForExitAsync(ChildProcess.Generous));
        Assert.Contains("Calling greeter failed: call to greeter Greeter.Hello failed on every node tried", client.Output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> StaticRegistry(int port) => new()
    {
        ["MICRO_REGISTRY"] = "static",
        ["Micro__Static__Services__0__Name"] = "greeter",
        ["Micro__Static__Services__0__Addresses__0"] = $"127.0.0.1:{port}",
    };

    [GeneratedRegex(@"call +\d+: ""(?<reply>[^""]+)"" served by (?<label>node \d) \((?<id>greeter-[0-9a-f-]+) at 127\.0\.0\.1:\d+\)")]
    private static partial Regex CallLine();

    [GeneratedRegex(@"(?<label>node \d): (?<id>greeter-[0-9a-f-]+) listening on http://127\.0\.0\.1:\d+")]
    private static partial Regex NodeLine();
}
