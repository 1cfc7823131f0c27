using System.Net;
using System.Text;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Tests.Broker.Internal;

public sealed class HttpBrokerEndpointTests
{
    public sealed record Ping(string Text);

    [Fact]
    public async Task Get_Returns405WithGoMicroErrorText()
    {
        await using var app = await StartSubscriberAsync(new MessageSink<string>());
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.GetAsync("/_sub");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("{\"id\":\"go.micro.broker\",\"code\":400,\"detail\":\"Method not allowed\",\"status\":\"Bad Request\"}\n", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
    }

    [Theory]
    [InlineData("not json", "Error parsing request body: ")]
    [InlineData("{\"Header\":{\"a\":1}}", "Error parsing request body: ")]
    [InlineData("{\"Header\":{},\"Body\":\"%%%\"}", "Error parsing request body: ")]
    [InlineData("{\"Header\":{},\"Body\":\"\"}", "Topic not found")]
    [InlineData("{\"Header\":null}", "Topic not found")]
    [InlineData("{\"Header\":{\":topic\":\"\"}}", "Topic not found")]
    [InlineData("null", "Topic not found")]
    public async Task Post_Malformed_Returns500ErrorJsonAndAppKeepsServing(string body, string detailPrefix)
    {
        var sink = new MessageSink<string>();
        await using var app = await StartSubscriberAsync(sink);
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.PostAsync("/_sub", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var error = MicroException.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("go.micro.broker", error.Id);
        Assert.Equal(500, error.Code);
        Assert.StartsWith(detailPrefix, error.Detail, StringComparison.Ordinal);

        await app.Services.GetRequiredService<MicroHosting.Broker.IMicroPublisher>().PublishAsync("pings", new Ping("still alive"));
        Assert.Equal("still alive", (await sink.WaitForAsync(1))[0]);
    }

    [Fact]
    public async Task Post_BodyAboveLimit_Returns500AndKeepsServing()
    {
        await using var app = await StartSubscriberAsync(new MessageSink<string>(), o => o.MaxRequestBodySize = 1024);
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.PostAsync("/_sub", new ByteArrayContent(new byte[4096]));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.StartsWith("Error reading request body: ", MicroException.Parse(await response.Content.ReadAsStringAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownSubscriberId_Returns404SoPublisherRetriesElsewhere()
    {
        await using var app = await StartSubscriberAsync(new MessageSink<string>());
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var response = await http.PostAsync("/_sub?id=broker-gone", new StringContent("{\"Header\":{\":topic\":\"pings\"},\"Body\":\"\"}"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Post_GoMicroEnvelopeWithSubscriberId_Returns200AfterHandlerRan()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var app = await StartSubscriberAsync(sink, registry: registry);
        var node = (await registry.GetServiceAsync("topic:pings")).Single().Nodes.Single();
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };
        var body = "{\"Header\":{\":topic\":\"pings\",\"Content-Type\":\"application/json\",\"Micro-Topic\":\"pings\"},\"Body\":\"" + Convert.ToBase64String("{\"text\":\"from go\"}"u8) + "\"}";

        using var response = await http.PostAsync($"/_sub?id={node.Id}", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from go", sink.Items.Single());
    }

    [Fact]
    public async Task Publish_RawRequest_MatchesGoMicroFormat()
    {
        using var registry = new InMemoryRegistry();
        var captured = new TaskCompletionSource<(string Method, string PathAndQuery, string? ContentType, byte[] Body)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var capture = builder.Build();
        capture.Run(async context =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            captured.TrySetResult((context.Request.Method, context.Request.Path + context.Request.QueryString, context.Request.ContentType, buffer.ToArray()));
        });
        await capture.StartAsync();
        await registry.RegisterAsync(
            new MicroService { Name = "topic:orders", Version = "ff.http.broadcast", Nodes = [new MicroNode { Id = "broker-1", Address = "127.0.0.1", Port = capture.BaseAddress().Port }] },
            TimeSpan.FromMinutes(1));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);

        var options = new MicroHosting.Broker.MicroPublishOptions();
        options.Metadata["tenant"] = "a<b>&c";
        await publisher.Publisher().PublishAsync("orders", new { id = "o-1", amount = 5 }, options);

        var request = await captured.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("POST", request.Method);
        Assert.Equal("/_sub?id=broker-1", request.PathAndQuery);
        Assert.Equal("application/json", request.ContentType);
        var body = Encoding.UTF8.GetString(request.Body);
        var id = System.Text.RegularExpressions.Regex.Match(body, "\"Micro-Id\":\"([0-9a-f-]{36})\"").Groups[1].Value;
        Assert.Equal(
            "{\"Header\":{\":topic\":\"orders\",\"Content-Type\":\"application/json\",\"Micro-From-Service\":\"shop\",\"Micro-Id\":\"" + id +
            "\",\"Micro-Topic\":\"orders\",\"tenant\":\"a\\u003cb\\u003e\\u0026c\"},\"Body\":\"eyJpZCI6Im8tMSIsImFtb3VudCI6NX0=\"}",
            body);
    }

    private static Task<WebApplication> StartSubscriberAsync(MessageSink<string> sink, Action<MicroHosting.Hosting.MicroOptions>? options = null, IRegistry? registry = null)
        => MicroTestHost.StartAsync(
            "pinger",
            _ => { },
            registry ?? new InMemoryRegistry(),
            configureBuilder: b => b.Services.AddMicroSubscriber<Ping>("pings", (p, _) =>
            {
                sink.Add(p.Text);
                return Task.CompletedTask;
            }),
            configureOptions: options);
}
