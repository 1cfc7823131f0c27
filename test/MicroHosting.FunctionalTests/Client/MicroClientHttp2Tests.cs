using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Tests.Server;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client;

/// <summary>Unary calls over cleartext HTTP/2 to a node with <c>Micro:Http2Address</c>, HTTP/1.1 for everything else.</summary>
public sealed class MicroClientHttp2Tests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SendAsync_NodeWithHttp2Address_CallArrivesOverHttp2OnTheAdvertisedPort()
    {
        await using var node = await StartAsync(http2: true);
        await using var services = TestClient.Create(_registry);

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("HTTP/2", reply.Value.Message);
        var registered = Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes);
        var h2c = int.Parse(registered.Metadata["h2c"], CultureInfo.InvariantCulture);
        Assert.NotEqual(0, h2c);
        Assert.NotEqual(registered.Port, h2c);
        Assert.Equal(node.BaseAddress().Port, registered.Port); // the node's address stays the HTTP/1.1 one

        // The advertised port is the bound one, and it speaks HTTP/2 with prior knowledge.
        using var http = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var direct = await http.PostAsJsonAsync($"http://127.0.0.1:{h2c}/Greeter/Hello", new HelloRequest("x"));
        Assert.Equal(HttpVersion.Version20, direct.Version);
        Assert.Equal("HTTP/2", (await direct.Content.ReadFromJsonAsync<HelloReply>())!.Message);
    }

    [Fact]
    public async Task GoMicroPost_NodeWithHttp2Address_MainPortStillServesHttp11()
    {
        await using var node = await StartAsync(http2: true);
        var body = Encoding.UTF8.GetBytes("{\"name\":\"go\"}");
        var head = $"POST / HTTP/1.1\nHost: localhost\nMicro-Service: greeter\nMicro-Endpoint: Greeter.Hello\nContent-Type: application/json\nContent-Length: {body.Length}\n";

        var response = await RawHttp.SendAsync(node.BaseAddress(), head, body);

        Assert.Equal(200, response.Status);
        Assert.Contains("HTTP/1.1", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_NodeWithoutHttp2Address_CalledOverHttp11()
    {
        await using var node = await StartAsync(http2: false);
        await using var services = TestClient.Create(_registry);

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("HTTP/1.1", reply.Value.Message);
        Assert.False(Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes).Metadata.ContainsKey("h2c"));
    }

    [Fact]
    public async Task SendAsync_UseHttp2Off_CalledOverHttp11()
    {
        await using var node = await StartAsync(http2: true);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:UseHttp2"] = "false" });

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("HTTP/1.1", reply.Value.Message);
    }

    [Fact]
    public async Task SendAsync_Http2PortDead_RetriedOnAnotherNodeAndTheNodeEjected()
    {
        // A node whose registered h2c port has nothing listening (its HTTP/1.1 port works).
        var deadPort = ExternalServer.FreeTcpPort();
        await using var broken = await StartAsync(http2: false, metadata: new Dictionary<string, string> { ["h2c"] = deadPort.ToString(CultureInfo.InvariantCulture) });
        await using var healthy = await StartAsync(http2: true);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin", ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();

        var replies = new List<MicroResponse<HelloReply>>();
        for (var i = 0; i < 10; i++)
        {
            replies.Add(await client.HelloAsync());
        }

        Assert.All(replies, r => Assert.Equal(TestClient.NodeId(healthy), r.Node.Id));
        Assert.All(replies, r => Assert.Equal("HTTP/2", r.Value.Message));
        Assert.Equal(1, replies.Sum(r => r.Attempts - 1)); // one retry, then the node is skipped

        // The same node over HTTP/1.1 works: the failure was its h2c port.
        await using var http11 = TestClient.Create(_registry, new() { ["Micro:Client:UseHttp2"] = "false", ["Micro:Client:Selector"] = "roundrobin" });
        var http11Client = http11.GetRequiredService<IMicroClient>();
        var http11Replies = new List<MicroResponse<HelloReply>>();
        for (var i = 0; i < 4; i++)
        {
            http11Replies.Add(await http11Client.HelloAsync());
        }

        Assert.Contains(http11Replies, r => r.Node.Id == TestClient.NodeId(broken));
        Assert.All(http11Replies, r => Assert.Equal(1, r.Attempts));
    }

    [Theory]
    [InlineData("127.0.0.1:0", "8082", "The HTTP/2 address '8082' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) is not host:port. Examples: 127.0.0.1:8082, :8082, [::1]:0.")]
    [InlineData(null, "127.0.0.1:0", "The HTTP/2 address '127.0.0.1:0' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) needs the main address too: set Micro:Address / MICRO_SERVER_ADDRESS (for example 127.0.0.1:8081), because listening on a second address in code makes Kestrel ignore the urls setting.")]
    [InlineData("127.0.0.1:18081", "127.0.0.1:18081", "The HTTP/2 address '127.0.0.1:18081' (Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS) uses the port of the main address '127.0.0.1:18081'. Give it a port of its own, or 0 for a free one.")]
    public async Task Start_InvalidHttp2Address_FailsWithMessageSayingWhatToFix(string? address, string http2Address, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandlers(),
            _registry,
            configureOptions: o =>
            {
                o.Address = address;
                o.Http2Address = http2Address;
            }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private Task<WebApplication> StartAsync(bool http2, IDictionary<string, string>? metadata = null)
        => MicroTestHost.StartAsync(
            "greeter",
            app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r, MicroContext c) => new HelloReply(c.HttpContext.Request.Protocol)),
            _registry,
            configureOptions: o =>
            {
                o.Address = "127.0.0.1:0";
                o.Http2Address = http2 ? "127.0.0.1:0" : null;
                foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
                {
                    o.Metadata[key] = value;
                }
            });
}
