using System.Globalization;
using System.Net.Http.Headers;
using Google.Protobuf;
using MicroHosting.Client;
using MicroHosting.Internal;
using MicroHosting.Registry;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>Which route and codec a call uses: native or Go Micro per node metadata, protobuf when both sides can.</summary>
public sealed class MicroClientProtocolTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private readonly List<(string Route, string? ContentType)> _seen = [];
    private readonly List<Received> _received = [];
    private WebApplication _server = null!;

    public async Task InitializeAsync()
    {
        _server = await MicroTestHost.StartAsync("echo", app =>
        {
            app.Use(async (context, next) =>
            {
                await next(context);
                var request = context.Request;
                lock (_received)
                {
                    _received.Add(new(request.Headers["grpc-timeout"], request.Headers["Timeout"], request.Headers.Accept, context.Response.ContentType));
                }
            });
            app.MapMicroHandler("Echo.Call", (EchoRequest r, MicroContext c) =>
            {
                Record(c);
                return r.Text == "fail" ? throw MicroException.Conflict("echo", "not that") : new EchoReply { Text = r.Text };
            });
            app.MapMicroHandler("Echo.Plain", (HelloRequest r, MicroContext c) =>
            {
                Record(c);
                return new HelloReply(r.Name);
            });
            app.MapMicroHandler("Echo.Budget", (HelloRequest r, MicroContext c) => new HelloReply(c.RemainingTime?.Ticks.ToString(CultureInfo.InvariantCulture) ?? "none"));
        }, _registry);

        // The same server registered again as if it were a Go Micro node: no framework metadata.
        var port = new Uri(_server.Urls.First()).Port;
        await _registry.RegisterAsync(new MicroService
        {
            Name = "goecho",
            Nodes = [new MicroNode { Id = "goecho-1", Address = "127.0.0.1", Port = port, Metadata = new Dictionary<string, string> { ["protocol"] = "mucp" } }],
        }, TimeSpan.Zero);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    [Theory]
    [InlineData("echo", "native", "application/protobuf")]
    [InlineData("goecho", "go", "application/protobuf")]
    public async Task CallAsync_ProtobufMessages_UseProtobufOnTheNodesRoute(string service, string route, string contentType)
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<EchoRequest, EchoReply>(service, "Echo.Call", new EchoRequest { Text = "hi" });

        Assert.Equal("hi", reply.Text);
        Assert.Equal((route, contentType), Assert.Single(_seen));
        Assert.Equal(contentType, Assert.Single(_received).ReplyContentType); // answered in the request's codec
    }

    [Theory]
    [InlineData("echo", "native")]
    [InlineData("goecho", "go")]
    public async Task CallAsync_PlainTypes_UseJson(string service, string route)
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<HelloRequest, HelloReply>(service, "Echo.Plain", new HelloRequest("hi"));

        Assert.Equal("hi", reply.Message);
        Assert.Equal((route, "application/json"), Assert.Single(_seen));
    }

    [Fact]
    public async Task CallAsync_ContentTypeOption_OverridesTheChoice()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var reply = await client.CallAsync<EchoRequest, EchoReply>("echo", "Echo.Call", new EchoRequest { Text = "hi" }, new MicroCallOptions { ContentType = "application/json" });

        Assert.Equal("hi", reply.Text);
        Assert.Equal(("native", "application/json"), Assert.Single(_seen));
    }

    [Fact]
    public async Task CallAsync_NativeNode_GetsTheBudgetAsGrpcTimeout_TheHandlersDeadlineIsTheCallers()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        var budget = TimeSpan.FromSeconds(30);

        var reply = await client.CallAsync<HelloRequest, HelloReply>("echo", "Echo.Budget", new HelloRequest("x"), new MicroCallOptions { Timeout = budget });

        var received = Assert.Single(_received);
        Assert.True(GrpcTimeout.TryParse(received.GrpcTimeout, out var sent), received.GrpcTimeout);
        Assert.InRange(sent, TimeSpan.FromTicks(1), budget);
        Assert.Null(received.Timeout); // Go Micro's form goes to Go Micro nodes only
        Assert.InRange(TimeSpan.FromTicks(long.Parse(reply.Message, CultureInfo.InvariantCulture)), TimeSpan.FromTicks(1), sent); // MicroContext.RemainingTime
    }

    [Fact]
    public async Task CallAsync_GoMicroNode_GetsTheBudgetAsTimeoutInNanoseconds_NoGrpcTimeout()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();
        var budget = TimeSpan.FromSeconds(30);

        var reply = await client.CallAsync<HelloRequest, HelloReply>("goecho", "Echo.Budget", new HelloRequest("x"), new MicroCallOptions { Timeout = budget });

        var received = Assert.Single(_received);
        var sent = TimeSpan.FromTicks(long.Parse(received.Timeout!, CultureInfo.InvariantCulture) / 100);
        Assert.InRange(sent, TimeSpan.FromTicks(1), budget);
        Assert.Null(received.GrpcTimeout);
        Assert.Equal("application/json", received.Accept);
        Assert.InRange(TimeSpan.FromTicks(long.Parse(reply.Message, CultureInfo.InvariantCulture)), TimeSpan.FromTicks(1), sent);
    }

    [Fact]
    public async Task TypedHttpClient_AcceptOtherThanTheContentType_ReachesTheNativeNode_ReplyInThatCodec()
    {
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClient<RawEcho>("echo"));

        var reply = await services.GetRequiredService<RawEcho>().JsonAskingForProtobufAsync("{\"text\":\"j\"}");

        Assert.Equal("j", reply.Text);
        var received = Assert.Single(_received);
        Assert.Equal("application/protobuf", received.Accept);
        Assert.Equal("application/protobuf", received.ReplyContentType);
    }

    [Fact]
    public async Task CallAsync_UnknownContentType_ThrowsSayingWhichExist()
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            client.CallAsync<EchoRequest, EchoReply>("echo", "Echo.Call", new EchoRequest(), new MicroCallOptions { ContentType = "text/yaml" }));

        Assert.StartsWith("Content type 'text/yaml' (MicroCallOptions.ContentType) has no codec. Use one of: application/grpc", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("goecho")]
    public async Task CallAsync_RemoteError_IsTheRemotesMicroException(string service)
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.CallAsync<EchoRequest, EchoReply>(service, "Echo.Call", new EchoRequest { Text = "fail" }));

        Assert.Equal(("echo", 409, "not that", "Conflict"), (error.Id, error.Code, error.Detail, error.Status));
        Assert.Single(_seen); // 409 is not retried
    }

    [Theory]
    [InlineData("echo")]
    [InlineData("goecho")]
    public async Task CallAsync_UnknownEndpoint_Is404(string service)
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<MicroException>(() => client.CallAsync<EchoRequest, EchoReply>(service, "Echo.Nope", new EchoRequest()));

        Assert.Equal(404, error.Code);
        Assert.Equal("unknown endpoint Echo.Nope", error.Detail);
    }

    [Theory]
    [InlineData("Echo")]
    [InlineData("Echo.Call.More")]
    [InlineData("Echo/Call")]
    public async Task CallAsync_EndpointNotTypeMethod_ThrowsArgumentException(string endpoint)
    {
        await using var services = TestClient.Create(_registry);
        var client = services.GetRequiredService<IMicroClient>();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.CallAsync<EchoRequest, EchoReply>("echo", endpoint, new EchoRequest()));

        Assert.StartsWith($"Endpoint '{endpoint}' is not of the form Type.Method", error.Message, StringComparison.Ordinal);
    }

    private void Record(MicroContext context)
    {
        var request = context.HttpContext.Request;
        var route = request.Headers.ContainsKey("Micro-Endpoint") && request.Headers.ContainsKey("X-Micro-Endpoint") ? "go" : "native";
        lock (_seen)
        {
            _seen.Add((route, request.ContentType));
        }
    }

    private sealed record Received(string? GrpcTimeout, string? Timeout, string? Accept, string? ReplyContentType);

    private sealed class RawEcho(HttpClient http)
    {
        public async Task<EchoReply> JsonAskingForProtobufAsync(string json)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "Echo/Call") { Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/protobuf"));
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            Assert.Equal("application/protobuf", response.Content.Headers.ContentType?.MediaType);
            return EchoReply.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        }
    }
}
