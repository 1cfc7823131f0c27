namespace MicroHosting.Interop.Tests;

/// <summary>
/// The proto-first Greeter examples (examples/Greeter.Contracts' greeter.proto: service Greeter, endpoint Greeter.Hello)
/// against Go Micro's greeter on the same HelloRequest/HelloReply messages, both ways: a Go Micro client calls
/// examples/Greeter.Service, and examples/Greeter.Client's generated IGreeter client calls a Go Micro service.
/// </summary>
public sealed class GreeterExampleInteropTests(InteropNetwork network) : IClassFixture<InteropNetwork>
{
    [GoPeerTheory]
    [InlineData("v1", "application/json")]
    [InlineData("v2", "application/protobuf")]
    [InlineData("v5", "application/json")]
    [InlineData("v5", "application/protobuf")]
    public async Task GoClient_CallsTheProtoFirstGreeterService(string line, string contentType)
    {
        var version = GoVersion.Parse(line);
        var name = "greeter-" + Guid.NewGuid().ToString("N")[..6];
        var service = network.StartDotnetProject(version, "examples/Greeter.Service", [], new()
        {
            ["MICRO_SERVER_NAME"] = name,
            ["MICRO_SERVER_ADDRESS"] = "0.0.0.0:0",
        });
        await service.WaitForAsync($"Registered {name} node .* in the mdns registry", InteropNetwork.Generous);

        var call = await network.RunGoClientAsync(version, "-content_type", contentType, "-wait", "20s", "call", name, "Greeter.Hello", "{\"name\":\"Go\"}");
        var bad = await network.RunGoClientAsync(version, "-content_type", contentType, "-wait", "20s", "call", name, "Greeter.Hello", "{\"name\":\"\"}");

        Assert.True(call.ExitCode == 0, call.Output);
        Assert.Contains("Hello Go", call.Output, StringComparison.Ordinal);
        Assert.True(bad.ExitCode == 1, bad.Output);
        Assert.Contains("name is required", bad.Output, StringComparison.Ordinal);
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task GeneratedClient_GreeterClientExample_CallsGoMicroGreeter(string line)
    {
        var version = GoVersion.Parse(line);
        await network.StartGoServerAsync(version, "greeter", "greeter-events-" + Guid.NewGuid().ToString("N")[..6]);

        var client = await network.RunDotnetProjectAsync(version, "examples/Greeter.Client", "--name", "DotNet");

        Assert.True(client.ExitCode == 0, client.Output);
        Assert.Contains("Hello from Go DotNet", client.Output, StringComparison.Ordinal);
    }
}
