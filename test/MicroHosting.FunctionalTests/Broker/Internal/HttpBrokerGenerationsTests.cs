using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using MicroHosting.Broker;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Broker.Internal;

/// <summary>The http broker against both Go Micro generations' wires: v1 (<c>topic:</c>, <c>/_sub</c>) and v2.5+ (<c>micro.http.broker</c>, <c>/?id=</c>).</summary>
public sealed class HttpBrokerGenerationsTests
{
    public sealed record Ping(string Text);

    [Fact]
    public async Task Publish_V2Subscriber_PostsToRootWithIdAndMicroTopic()
    {
        using var registry = new InMemoryRegistry();
        await using var go = await CaptureServer.StartAsync();
        await registry.RegisterAsync(V2Service("orders", "ff.http.broadcast", "orders-go1", go.Port), TimeSpan.FromMinutes(1));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);

        await publisher.Publisher().PublishAsync("orders", new Ping("p"));

        var request = Assert.Single(await go.WaitForAsync(1));
        Assert.Equal("/?id=orders-go1", request.PathAndQuery);
        Assert.Contains("\"Micro-Topic\":\"orders\"", request.Body, StringComparison.Ordinal);
        Assert.Contains("\"Body\":\"" + Convert.ToBase64String("{\"text\":\"p\"}"u8) + "\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_V2NodeOfAnotherTopicOrBroker_NotDelivered()
    {
        using var registry = new InMemoryRegistry();
        await using var go = await CaptureServer.StartAsync();
        await registry.RegisterAsync(V2Service("invoices", "ff.http.broadcast", "invoices-go1", go.Port), TimeSpan.FromMinutes(1));
        var otherBroker = V2Service("orders", "ff.http.broadcast", "orders-go2", go.Port);
        otherBroker = new MicroService { Name = otherBroker.Name, Version = otherBroker.Version, Nodes = [new MicroNode { Id = "orders-go2", Address = "127.0.0.1", Port = go.Port, Metadata = new Dictionary<string, string> { ["broker"] = "nats", ["topic"] = "orders" } }] };
        await registry.RegisterAsync(otherBroker, TimeSpan.FromMinutes(1));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, micro: m => m.ConfigureHttpBroker(o => o.WaitForDelivery = true));

        var error = await Assert.ThrowsAsync<MicroException>(() => publisher.Publisher().PublishAsync("orders", new Ping("p")));

        Assert.Equal(404, error.Code);
        Assert.Equal(0, go.Count);
    }

    [Fact]
    public async Task Publish_QueueGroupSpanningV1AndV2Forms_EachMessageOnce()
    {
        using var registry = new InMemoryRegistry();
        await using var v1 = await CaptureServer.StartAsync();
        await using var v2 = await CaptureServer.StartAsync();
        var sink = new MessageSink<string>();
        await registry.RegisterAsync(new MicroService { Name = "topic:jobs", Version = "workers", Nodes = [new MicroNode { Id = "broker-v1", Address = "127.0.0.1", Port = v1.Port }] }, TimeSpan.FromMinutes(1));
        await registry.RegisterAsync(V2Service("jobs", "workers", "jobs-v2", v2.Port), TimeSpan.FromMinutes(1));
        await using var dotnet = await BrokerTestHosts.StartAsync("worker", registry, s => s.AddMicroSubscriber<Ping>("jobs", (p, _) => Add(sink, p.Text), queue: "workers"));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, micro: m => m.ConfigureHttpBroker(o => o.WaitForDelivery = true));

        for (var i = 0; i < 60; i++)
        {
            await publisher.Publisher().PublishAsync("jobs", new Ping($"j-{i}"));
        }

        // Waiting for delivery: every message is already where it went.
        Assert.Equal(60, v1.Count + v2.Count + sink.Count);
        Assert.All(v1.Requests, r => Assert.StartsWith("/_sub?id=broker-v1", r.PathAndQuery, StringComparison.Ordinal));
        Assert.All(v2.Requests, r => Assert.StartsWith("/?id=jobs-v2", r.PathAndQuery, StringComparison.Ordinal));
        Assert.True(v1.Count > 0 && v2.Count > 0 && sink.Count > 0, $"a random choice over 60 messages reaches each member: v1 {v1.Count}, v2 {v2.Count}, .NET {sink.Count}");
    }

    [Fact]
    public async Task Receive_V2PostToRoot_DeliveredToSubscriberById()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var app = await BrokerTestHosts.StartAsync("pinger", registry, s => s.AddMicroSubscriber<Ping>("pings", (p, c, _) => Add(sink, p.Text + "|" + c.Topic)));
        var node = (await registry.GetServiceAsync("micro.http.broker")).Single().Nodes.Single();
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.PostAsync($"/?id={node.Id}", GoEnvelope("pings", "{\"text\":\"from go v2\"}"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from go v2|pings", Assert.Single(sink.Items));
    }

    [Fact]
    public async Task Receive_RpcPostToRoot_StillReachesHandlerBesideBroker()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var app = await BrokerTestHosts.StartAsync(
            "pinger",
            registry,
            s => s.AddMicroSubscriber<Ping>("pings", (p, _) => Add(sink, p.Text)),
            map: a => a.MapMicroHandler("Pinger.Echo", (Ping p) => p));
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };
        using var rpc = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{\"text\":\"rpc\"}", Encoding.UTF8, "application/json") };
        rpc.Headers.Add("Micro-Service", "pinger");
        rpc.Headers.Add("Micro-Endpoint", "Pinger.Echo");
        rpc.Headers.Add("Micro-Method", "Pinger.Echo");

        using var response = await http.SendAsync(rpc);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{\"text\":\"rpc\"}", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, sink.Count);
    }

    [Fact]
    public async Task MapMicroBroker_RequireAuthorization_RejectsAnonymousPublishAcceptsAuthenticated()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var app = await BrokerTestHosts.StartAsync(
            "pinger",
            registry,
            s =>
            {
                s.AddMicroSubscriber<Ping>("pings", (p, _) => Add(sink, p.Text));
                s.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthHandler>("Test", null);
                s.AddAuthorizationBuilder().AddPolicy("publishers", p => p.RequireClaim(ClaimTypes.Name, "shop"));
            },
            map: a =>
            {
                a.UseAuthentication();
                a.UseAuthorization();
                a.MapMicroBroker().RequireAuthorization("publishers");
            });
        var node = (await registry.GetServiceAsync("micro.http.broker")).Single().Nodes.Single();
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var anonymousV1 = await http.PostAsync($"/_sub?id={node.Id}", GoEnvelope("pings", "{\"text\":\"anonymous v1\"}", v1: true));
        using var anonymousV2 = await http.PostAsync($"/?id={node.Id}", GoEnvelope("pings", "{\"text\":\"anonymous v2\"}"));
        using var authenticated = new HttpRequestMessage(HttpMethod.Post, $"/?id={node.Id}") { Content = GoEnvelope("pings", "{\"text\":\"from shop\"}") };
        authenticated.Headers.Add("X-User", "shop");
        using var accepted = await http.SendAsync(authenticated);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymousV1.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousV2.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal(["from shop"], sink.Items);
    }

    [Fact]
    public async Task MapMicroBroker_CalledAfterMapMicroHandlers_ReturnsTheSameEndpoint()
    {
        var conventions = new List<IEndpointConventionBuilder>();
        await using var app = await BrokerTestHosts.StartAsync(
            "pinger",
            new InMemoryRegistry(),
            map: a =>
            {
                a.MapMicroHandlers();
                conventions.Add(a.MapMicroBroker());
                conventions.Add(a.MapMicroBroker());
            });

        Assert.Same(conventions[0], conventions[1]);
        var endpoints = ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>();
        Assert.Single(endpoints, e => e.RoutePattern.RawText == "/_sub");
    }

    [Fact]
    public async Task Publish_WaitForDelivery_ReturnsAfterHandlerRan()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<Ping>("pings", async (p, _) =>
        {
            await Task.Yield();
            sink.Add(p.Text);
        }));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, micro: m => m.ConfigureHttpBroker(o => o.WaitForDelivery = true));

        await publisher.Publisher().PublishAsync("pings", new Ping("one"));

        Assert.Equal(["one"], sink.Items);
    }

    [Fact]
    public async Task Publish_WaitForDeliveryNoSubscriber_Throws404()
    {
        await using var publisher = await BrokerTestHosts.StartAsync("shop", new InMemoryRegistry(), micro: m => m.ConfigureHttpBroker(o => o.WaitForDelivery = true));

        var error = await Assert.ThrowsAsync<MicroException>(() => publisher.Publisher().PublishAsync("nobody", new Ping("lost")));

        Assert.Equal(404, error.Code);
        Assert.Equal("publishing to nobody failed: no subscriber of nobody is registered", error.Detail);
    }

    [Fact]
    public async Task Publish_WaitForDeliveryEverySubscriberFails_Throws500()
    {
        using var registry = new InMemoryRegistry();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<Ping>("pings", (_, _) => throw new InvalidOperationException("disk full")));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, micro: m => m.ConfigureHttpBroker(o =>
        {
            o.WaitForDelivery = true;
            o.MaxDeliveryAttempts = 2;
        }));

        var error = await Assert.ThrowsAsync<MicroException>(() => publisher.Publisher().PublishAsync("pings", new Ping("p")));

        Assert.Equal(500, error.Code);
        Assert.StartsWith("publishing to pings failed: no subscriber of pings accepted the message", error.Detail, StringComparison.Ordinal);
    }

    private static MicroService V2Service(string topic, string version, string id, int port) => new()
    {
        Name = "micro.http.broker",
        Version = version,
        Nodes = [new MicroNode { Id = id, Address = "127.0.0.1", Port = port, Metadata = new Dictionary<string, string> { ["broker"] = "http", ["topic"] = topic, ["secure"] = "false" } }],
    };

    private static StringContent GoEnvelope(string topic, string json, bool v1 = false)
    {
        var topicHeader = v1 ? $"\":topic\":\"{topic}\"," : string.Empty;
        var body = "{\"Header\":{" + topicHeader + "\"Content-Type\":\"application/json\",\"Micro-Id\":\"1\",\"Micro-Topic\":\"" + topic + "\"},\"Body\":\"" +
            Convert.ToBase64String(Encoding.UTF8.GetBytes(json)) + "\"}";
        return new StringContent(body, Encoding.UTF8, "application/json");
    }

    private static Task Add<T>(MessageSink<T> sink, T item)
    {
        sink.Add(item);
        return Task.CompletedTask;
    }

    /// <summary>Stands in for a Go subscriber: answers 200 to every POST and records it.</summary>
    private sealed class CaptureServer : IAsyncDisposable
    {
        private readonly ConcurrentQueue<(string PathAndQuery, string Body)> _requests = new();
        private readonly MessageSink<int> _arrivals = new();
        private WebApplication _app = null!;

        public int Port => _app.BaseAddress().Port;

        public int Count => _requests.Count;

        public IReadOnlyList<(string PathAndQuery, string Body)> Requests => [.. _requests];

        public static async Task<CaptureServer> StartAsync()
        {
            var server = new CaptureServer();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            server._app = builder.Build();
            server._app.Run(async context =>
            {
                using var reader = new StreamReader(context.Request.Body);
                server._requests.Enqueue((context.Request.Path + context.Request.QueryString, await reader.ReadToEndAsync()));
                server._arrivals.Add(1);
            });
            await server._app.StartAsync();
            return server;
        }

        public async Task<IReadOnlyList<(string PathAndQuery, string Body)>> WaitForAsync(int count)
        {
            await _arrivals.WaitForAsync(count);
            return Requests;
        }

        public ValueTask DisposeAsync() => _app.DisposeAsync();
    }

    private sealed class HeaderAuthHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-User", out var user))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "Test");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Test")));
        }
    }
}
