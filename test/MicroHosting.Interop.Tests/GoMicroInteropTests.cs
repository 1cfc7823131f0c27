using System.Text.RegularExpressions;

namespace MicroHosting.Interop.Tests;

/// <summary>
/// MicroHosting against real Go Micro services of each line in <c>../shared/gomicro</c> (v1, v2.9.1, the newest), over
/// mDNS, the http transport and the http broker, both ways. Go runs in one namespace, .NET in the other.
/// </summary>
public sealed class GoMicroInteropTests(InteropNetwork network) : IClassFixture<InteropNetwork>
{
    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task Discovery_EachSideFindsTheOther(string line)
    {
        // Go looks the .NET service up by name (what its selector does before a call).
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var go = await network.RunGoClientAsync(version, "service", pair.DotnetName);
        var cli = await network.RunCliAsync(version, "services");

        Assert.True(go.ExitCode == 0, go.Output);
        Assert.Contains($"\"name\":\"{pair.DotnetName}\"", go.Output, StringComparison.Ordinal);
        Assert.Contains("\"protocol\":\"mucp\"", go.Output, StringComparison.Ordinal);
        Assert.True(cli.ExitCode == 0, cli.Output);
        Assert.Contains(pair.GoName, cli.Output, StringComparison.Ordinal);
    }

    [GoPeerTheory]
    [InlineData("v1", "application/json")]
    [InlineData("v1", "application/protobuf")]
    [InlineData("v2", "application/json")]
    [InlineData("v2", "application/protobuf")]
    [InlineData("v5", "application/json")]
    [InlineData("v5", "application/protobuf")]
    public async Task Rpc_GoCallsDotnet(string line, string contentType)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var call = await network.RunGoClientAsync(version, "-content_type", contentType, "-wait", "20s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"Go\"}");

        Assert.True(call.ExitCode == 0, call.Output);
        Assert.Contains("Hello from .NET Go", call.Output, StringComparison.Ordinal);
        await pair.Dotnet.WaitForAsync($"^CALL Greeter.Hello name=Go content-type={Regex.Escape(contentType)}$", InteropNetwork.Generous);
    }

    [GoPeerTheory]
    [InlineData("v1", "application/json")]
    [InlineData("v1", "application/protobuf")]
    [InlineData("v2", "application/json")]
    [InlineData("v2", "application/protobuf")]
    [InlineData("v5", "application/json")]
    [InlineData("v5", "application/protobuf")]
    public async Task Rpc_DotnetCallsGo(string line, string contentType)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var call = await network.RunDotnetCallAsync(version, pair.GoName, "Greeter.Hello", "{\"name\":\"DotNet\"}", contentType);

        Assert.True(call.ExitCode == 0, call.Output);
        Assert.Contains("REPLY Hello from Go DotNet", call.Output, StringComparison.Ordinal);
        await pair.Go.WaitForAsync($"CALL Greeter.Hello name=\"DotNet\" content-type=\"{Regex.Escape(contentType)}\"", InteropNetwork.Generous);
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task Errors_BadRequestCrossesBothWays(string line)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var fromGo = await network.RunGoClientAsync(version, "-wait", "20s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"\"}");
        var fromDotnet = await network.RunDotnetCallAsync(version, pair.GoName, "Greeter.Hello", "{\"name\":\"\"}", "application/json");

        Assert.True(fromGo.ExitCode == 1, fromGo.Output);
        Assert.Matches("ERROR \\{\"id\":\"[^\"]*\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"\\}", fromGo.Output);
        Assert.True(fromDotnet.ExitCode == 1, fromDotnet.Output);
        Assert.Contains("ERROR 400 name is required", fromDotnet.Output, StringComparison.Ordinal);
    }

    [GoPeerTheory]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task Deadline_GoHandlerPastTheCallersDeadline_IsATimeout(string line)
    {
        // The Go handler waits until the deadline the Timeout header gave it and answers "context deadline exceeded"
        // as plain text; the caller reports a timeout (408), whichever of the two ends first.
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var call = await network.RunDotnetCallAsync(version, pair.GoName, "Greeter.Hello", "{\"name\":\"wait:30s\"}", "application/json", "00:00:06");

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Contains("ERROR 408 ", call.Output, StringComparison.Ordinal);
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task Deadline_DotnetHandlerPastTheGoCallersDeadline_IsATimeout(string line)
    {
        // The .NET handler waits 30 s, honouring its cancellation; the Go caller gives it 6 s (room for a cold start on a loaded machine), which Go Micro sends as the
        // Timeout header and the handler runs under. Go reports a timeout (408), whichever side's deadline ends the call.
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        // Go Micro v4+ sends its per-attempt bound (-connection_timeout, default 5 s) as the Timeout header: set both.
        string[] bounds = line == "v5" ? ["-timeout", "6s", "-connection_timeout", "6s"] : ["-timeout", "6s"];
        var call = await network.RunGoClientAsync(version, ["-wait", "20s", .. bounds, "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"wait:30s\"}"]);

        Assert.True(call.ExitCode == 1, call.Output);
        Assert.Matches("ERROR \\{\"id\":\"[^\"]*\",\"code\":408,", call.Output);
        await pair.Dotnet.WaitForAsync("CALL Greeter.Hello name=wait:30s", InteropNetwork.Generous);
        await pair.Dotnet.WaitForAsync("^DEADLINE [1-6]$", InteropNetwork.Generous); // the handler ran under Go's 6 s deadline
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task PubSub_GoPublishes_DotnetAndGoSubscribersReceive(string line)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);
        var payload = $"{{\"from\":\"go-{Guid.NewGuid():N}\"}}";

        var dotnetLine = new Regex($"^RECV topic={pair.Topic} body={Regex.Escape(payload)}$", RegexOptions.Multiline);
        var goLine = new Regex($"^RECV topic={pair.Topic} body={Regex.Escape(payload)} ", RegexOptions.Multiline);

        await network.PublishFromGoAsync(version, pair.Topic, payload, () => dotnetLine.IsMatch(pair.Dotnet.Output) && goLine.IsMatch(pair.Go.Output));
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task PubSub_CliPublishes_GoAndDotnetSubscribersReceive(string line)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);
        var payload = $"{{\"from\":\"cli-{Guid.NewGuid():N}\"}}";

        var publish = await network.RunCliAsync(version, "publish", pair.Topic, payload);

        // micro publish exits 0 only once every subscriber acknowledged the message (their printed lines may still be
        // in the pipe to this process).
        Assert.True(publish.ExitCode == 0, publish.Output);
        await pair.Go.WaitForAsync($"^RECV topic={pair.Topic} body={Regex.Escape(payload)} ", InteropNetwork.Generous);
        await pair.Dotnet.WaitForAsync($"^RECV topic={pair.Topic} body={Regex.Escape(payload)}$", InteropNetwork.Generous);
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task QueueGroup_GoAndDotnetMembers_EachMessageHandledOnce(string line)
    {
        var version = GoVersion.Parse(line);
        var id = Guid.NewGuid().ToString("N")[..6];
        var topic = $"jobs-{id}";
        var go = await network.StartGoServerAsync(version, $"goq-{id}", topic, queue: "workers");
        var dotnet = await network.StartDotnetServerAsync(version, $"dotnetq-{id}", topic, queue: "workers");
        const int Messages = 6;
        Regex Received(int seq) => new($"RECV topic={topic} body=\\{{\"seq\":\"{id}-{seq}\"\\}}");

        // Go publishers and the micro tool, alternately: each picks one member of the group per message.
        for (var i = 0; i < Messages; i++)
        {
            var payload = $"{{\"seq\":\"{id}-{i}\"}}";
            if (i % 2 == 0)
            {
                var sent = Received(i);
                await network.PublishFromGoAsync(version, topic, payload, () => sent.Count(go.Output) + sent.Count(dotnet.Output) > 0);
            }
            else
            {
                var publish = await network.RunCliAsync(version, "publish", topic, payload);
                Assert.True(publish.ExitCode == 0, publish.Output);
            }
        }

        for (var i = 0; i < Messages; i++)
        {
            var pattern = Received(i);
            var deadline = DateTime.UtcNow + InteropNetwork.Generous;
            while (pattern.Count(go.Output) + pattern.Count(dotnet.Output) == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            Assert.True(pattern.Count(go.Output) + pattern.Count(dotnet.Output) == 1, $"message {i}: Go:{Environment.NewLine}{go.Output}{Environment.NewLine}.NET:{Environment.NewLine}{dotnet.Output}");
        }
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task Cli_CallAndHealthAgainstGoNode(string line)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var call = await network.RunCliAsync(version, "call", pair.GoName, "Greeter.Hello", "{\"name\":\"Cli\"}");
        var health = await network.RunCliAsync(version, "health", pair.GoName, "-o", "json");

        Assert.True(call.ExitCode == 0, call.Output);
        Assert.Contains("Hello from Go Cli", call.Output, StringComparison.Ordinal);
        Assert.True(health.ExitCode == 0, health.Output);
        Assert.Contains("\"status\": \"ok\"", health.Output, StringComparison.Ordinal);
    }

    [GoPeerTheory]
    [InlineData("v1", "application/json-rpc")]
    [InlineData("v1", "application/proto-rpc")]
    [InlineData("v2", "application/json-rpc")]
    [InlineData("v2", "application/proto-rpc")]
    [InlineData("v5", "application/json-rpc")]
    [InlineData("v5", "application/proto-rpc")]
    public async Task Rpc_GoCallsDotnetWithLegacyCodec_ReplyAndErrorRead(string line, string contentType)
    {
        var version = GoVersion.Parse(line);
        var pair = await network.PairAsync(version);

        var ok = await network.RunGoClientAsync(version, "-content_type", contentType, "-wait", "20s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"Legacy\"}");
        var error = await network.RunGoClientAsync(version, "-content_type", contentType, "-wait", "20s", "call", pair.DotnetName, "Greeter.Hello", "{\"name\":\"\"}");

        // The handler ran on the legacy request, and Go read the reply without error. (gm-client sends JSON as a raw
        // frame, whose reply body Go's json-rpc codec consumes while reading the envelope, so only proto-rpc prints it.)
        Assert.True(ok.ExitCode == 0, ok.Output);
        await pair.Dotnet.WaitForAsync($"^CALL Greeter.Hello name=Legacy content-type={Regex.Escape(contentType)}$", InteropNetwork.Generous);
        if (contentType.Contains("proto", StringComparison.Ordinal))
        {
            Assert.Contains("Hello from .NET Legacy", ok.Output, StringComparison.Ordinal);
        }

        Assert.True(error.ExitCode == 1, error.Output);
        Assert.Matches("ERROR \\{\"id\":\"[^\"]*\",\"code\":400,\"detail\":\"name is required\"", error.Output);
    }

    [GoPeerTheory]
    [InlineData("v1")]
    [InlineData("v2")]
    [InlineData("v5")]
    public async Task MdnsResponder_DotnetProcessWithSeveralServices_GoListsAllAndPublishesToTheSecondTopic(string line)
    {
        // Go Micro's mDNS client keeps one service instance per response packet: this process registers its own service,
        // a topic service per subscription and (v2.5+) a micro.http.broker node per subscription, all of which Go must see.
        var version = GoVersion.Parse(line);
        var id = Guid.NewGuid().ToString("N")[..6];
        var name = $"multi-{id}";
        string[] topics = [$"first-{id}", $"second-{id}", $"third-{id}"];
        var dotnet = await network.StartDotnetServerAsync(version, name, string.Join(',', topics));
        string[] expected = [name, .. topics.Select(t => "topic:" + t)];

        // One listing must show them all; a listing is retried only because a packet can be lost on a loaded machine.
        var listing = (ExitCode: -1, Output: string.Empty);
        for (var attempt = 0; attempt < 5 && !expected.All(n => Listed(listing.Output, n)); attempt++)
        {
            listing = await network.RunGoClientAsync(version, "services");
        }

        Assert.True(listing.ExitCode == 0, listing.Output);
        Assert.All(expected, n => Assert.True(Listed(listing.Output, n), $"'{n}' missing from Go's listing:\n{listing.Output}"));

        var payload = $"{{\"from\":\"go-{id}\"}}";
        var received = new Regex($"^RECV topic={topics[1]} body={Regex.Escape(payload)}$", RegexOptions.Multiline);
        await network.PublishFromGoAsync(version, topics[1], payload, () => received.IsMatch(dotnet.Output));
    }

    private static bool Listed(string output, string name)
        => output.Split('\n').Any(l => l.Trim() == name);
}
