using System.Text.RegularExpressions;

namespace MicroHosting.Interop.Tests;

/// <summary>
/// MicroHosting against Go Micro v2.9.1's gRPC server and client (<c>gm-grpc-*</c>, what <c>micro.NewService()</c>
/// defaults to in v2), over mDNS, in the tests' namespaces. The .NET node runs with <c>MICRO_SERVER=grpc</c> and an
/// HTTP/2-only listener, which it registers; Go dials that registered address with cleartext HTTP/2.
/// </summary>
public sealed class GoMicroGrpcInteropTests(InteropNetwork network) : IClassFixture<InteropNetwork>
{
    private static GoVersion Grpc => GoVersion.V2Grpc;

    [GoPeerTheory]
    [InlineData("application/json", "application/grpc+json")]
    [InlineData("application/protobuf", "application/grpc+proto")]
    public async Task Rpc_GoGrpcClientCallsDotnet(string contentType, string onTheWire)
    {
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunGoClientAsync(Grpc, "-content_type", contentType, "-wait", "20s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"Go\"}");

        Assert.True(call.ExitCode == 0, call.Output);
        Assert.Contains("Hello from .NET Go", call.Output, StringComparison.Ordinal);
        await pair.Dotnet.WaitForAsync($"^CALL Greeter.Hello name=Go content-type={Regex.Escape(onTheWire)}$", InteropNetwork.Generous);
    }

    [GoPeerFact]
    public async Task Errors_GoGrpcClientGetsTheDotnetHandlersError()
    {
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunGoClientAsync(Grpc, "-wait", "20s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"\"}");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Matches("ERROR \\{\"id\":\"[^\"]*\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"\\}", call.Output);
    }

    [GoPeerFact]
    public async Task Errors_GoGrpcClientCallsUnknownEndpoint_NotFound()
    {
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunGoClientAsync(Grpc, "-wait", "20s", "call", pair.DotnetName, "Greeter.Nope", "{\"name\":\"x\"}");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Matches("ERROR \\{\"id\":\"[^\"]*\",\"code\":404,\"detail\":\"unknown endpoint Greeter.Nope\"", call.Output);
    }

    [GoPeerFact]
    public async Task Deadline_DotnetHandlerPastTheGoGrpcCallersDeadline_IsATimeout()
    {
        // The .NET handler waits 30 s, honouring its cancellation; the Go caller gives it 6 s (room for a cold start on a loaded machine) (grpc-timeout and Go Micro's
        // timeout metadata), which the handler runs under. Go reports a timeout (408), whichever side's deadline ends it.
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunGoClientAsync(Grpc, "-wait", "20s", "-timeout", "6s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"wait:30s\"}");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Matches("ERROR \\{\"id\":\"[^\"]*\",\"code\":408,", call.Output);
        await pair.Dotnet.WaitForAsync("CALL Greeter.Hello name=wait:30s", InteropNetwork.Generous);
        await pair.Dotnet.WaitForAsync("^DEADLINE [1-6]$", InteropNetwork.Generous);
    }

    [GoPeerFact]
    public async Task Discovery_GoSeesTheDotnetNodeAsAGrpcNode()
    {
        var pair = await network.PairAsync(Grpc);

        var go = await network.RunGoClientAsync(Grpc, "service", pair.DotnetName);

        Assert.True(go.ExitCode == 0, go.Output);
        Assert.Contains("\"protocol\":\"grpc\"", go.Output, StringComparison.Ordinal);
        Assert.Contains("\"server\":\"grpc\"", go.Output, StringComparison.Ordinal);
    }

    [GoPeerTheory]
    [InlineData("application/json")]
    [InlineData("application/protobuf")]
    public async Task Rpc_DotnetCallsGoGrpcServer(string contentType)
    {
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunDotnetCallAsync(Grpc, pair.GoName, "Greeter.Hello", "{\"name\":\"DotNet\"}", contentType);

        Assert.True(call.ExitCode == 0, call.Output);
        Assert.Contains("REPLY Hello from Go DotNet", call.Output, StringComparison.Ordinal);
        await pair.Go.WaitForAsync("CALL Greeter.Hello name=\"DotNet\"", InteropNetwork.Generous);
    }

    [GoPeerFact]
    public async Task Errors_DotnetGetsTheGoGrpcHandlersError()
    {
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunDotnetCallAsync(Grpc, pair.GoName, "Greeter.Hello", "{\"name\":\"\"}", "application/json");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Contains("ERROR 400 name is required", call.Output, StringComparison.Ordinal);
    }

    [GoPeerFact]
    public async Task Errors_DotnetCallsUnknownEndpointOnGoGrpcServer_NotImplemented()
    {
        // Go's gRPC server answers Unimplemented with plain text ("unknown service Greeter.Nope"), not error JSON: the
        // client maps the status (12) to 501.
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunDotnetCallAsync(Grpc, pair.GoName, "Greeter.Nope", "{\"name\":\"x\"}", "application/json");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Contains("ERROR 501 unknown service Greeter.Nope", call.Output, StringComparison.Ordinal);
    }

    [GoPeerFact]
    public async Task Deadline_GoGrpcHandlerPastTheDotnetCallersDeadline_IsATimeout()
    {
        // The Go handler waits until the deadline it was given (grpc-timeout / timeout metadata) and then fails; the caller
        // reports a timeout (408), whichever of the two ends first.
        var pair = await network.PairAsync(Grpc);

        var call = await network.RunDotnetCallAsync(Grpc, pair.GoName, "Greeter.Hello", "{\"name\":\"wait:30s\"}", "application/json", "00:00:06");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Contains("ERROR 408 ", call.Output, StringComparison.Ordinal);
        await pair.Go.WaitForAsync("CALL Greeter.Hello name=\"wait:30s\"", InteropNetwork.Generous);
    }

    [GoPeerFact]
    public async Task Failover_DeadGoGrpcNode_CallsRetriedOnTheLiveOne()
    {
        // Two registrations of one service: a live gm-grpc-server, and one advertising an address where nothing listens.
        var name = "gogrpc-" + Guid.NewGuid().ToString("N")[..6];
        await network.StartGoServerAsync(Grpc, name, "events-" + name);
        await network.StartGoServerAsync(Grpc, name, "events-" + name, advertise: network.DeadAddressInA);
        const int Calls = 6;

        var call = await network.RunDotnetCallAsync(
            Grpc,
            new Dictionary<string, string?> { ["MICRO_SELECTOR"] = "roundrobin" }, // the dead node comes up within the first two calls
            name, "Greeter.Hello", "{\"name\":\"Retry\"}", "application/json", "00:00:10", "2", Calls.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(call.ExitCode == 0, call.Output);
        var attempts = Regex.Matches(call.Output, "REPLY Hello from Go Retry \\(attempts (\\d)\\)").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Calls, attempts.Count);
        Assert.True(attempts.Sum() > Calls, call.Output); // the dead node was tried, and the call moved on
    }
}
