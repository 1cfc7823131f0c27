using MicroHosting.Broker;
using MicroHosting.Registry;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Security;

/// <summary>The http broker between TLS nodes: deliveries go to https, trusted through the CA file, with the configured token.</summary>
public sealed class HttpBrokerTlsTests : IDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly TestPki _pki = new();

    public void Dispose()
    {
        _registry.Dispose();
        _pki.Dispose();
    }

    [Fact]
    public async Task Publish_ToATlsSubscriberNode_DeliveredOverHttpsWithTheToken()
    {
        var received = new MessageSink<string>();
        var authorization = new MessageSink<string>();
        await using var subscriber = await StartAsync("audit", s =>
        {
            s.AddMicroSubscriber<HelloRequest>("hellos", (r, context, _) =>
            {
                received.Add($"{r.Name} {context.Metadata.GetValueOrDefault("Authorization") ?? "-"}");
                return Task.CompletedTask;
            });

            // Outermost (first registered) startup filter: sees the delivery before the broker's own middleware does.
            s.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new RecordAuthorization(authorization)));
        });
        await using var publisher = await StartAsync("shop", s => { }, new() { ["Micro:Tls:CaFile"] = _pki.AuthorityFile, ["Micro:Client:Token:Value"] = "good" });

        await publisher.Services.GetRequiredService<IMicroPublisher>().PublishAsync("hellos", new HelloRequest("one"));

        Assert.Equal(["one -"], await received.WaitForAsync(1)); // the token authorizes the delivery; it is not message metadata
        Assert.Equal(["https Bearer good"], authorization.Items);
        var broker = Assert.Single(Assert.Single(await _registry.GetServiceAsync("topic:hellos")).Nodes);
        Assert.Equal("true", broker.Metadata["secure"]);
    }

    [Theory]
    [InlineData("good", true)]
    [InlineData("bad", false)]
    [InlineData(null, false)]
    public async Task Publish_ToASubscriberWhoseBrokerEndpointRequiresAuthorization_DeliveredOnlyWithAnAcceptedToken(string? token, bool delivered)
    {
        var received = new MessageSink<string>();
        var attempts = new MessageSink<string>();
        await using var subscriber = await StartAsync(
            "audit",
            s =>
            {
                s.AddMicroSubscriber<HelloRequest>("orders", (r, _) =>
                {
                    received.Add(r.Name);
                    return Task.CompletedTask;
                });
                TestTokenAuthentication.Add(s);
                s.Insert(0, ServiceDescriptor.Singleton<IStartupFilter>(new RecordAuthorization(attempts)));
            },
            map: app => app.MapMicroBroker().RequireAuthorization());
        await using var publisher = await StartAsync(
            "shop",
            s => { },
            new() { ["Micro:Tls:CaFile"] = _pki.AuthorityFile, ["Micro:Client:Token:Value"] = token, ["Micro:HttpBroker:WaitForDelivery"] = "true" });
        var publish = publisher.Services.GetRequiredService<IMicroPublisher>().PublishAsync("orders", new HelloRequest("o-1"));

        if (delivered)
        {
            await publish;
            Assert.Equal(["o-1"], received.Items);
        }
        else
        {
            var error = await Assert.ThrowsAsync<MicroException>(() => publish);
            Assert.Equal(500, error.Code); // every delivery was refused (401), after the retries
            Assert.Contains("no subscriber of orders accepted the message", error.Detail, StringComparison.Ordinal);
            Assert.Empty(received.Items);

            // The deliveries reached the node over TLS (so the refusal was the endpoint's authorization), with the token, if any.
            Assert.NotEmpty(attempts.Items);
            Assert.All(attempts.Items, a => Assert.Equal(token is null ? "https " : $"https Bearer {token}", a));
        }
    }

    private Task<WebApplication> StartAsync(string name, Action<IServiceCollection> services, Dictionary<string, string?>? configuration = null, Action<WebApplication>? map = null)
        => TlsTestNodes.StartAsync(
            _registry,
            _pki.IssueServer(),
            configuration: configuration,
            configureBuilder: b =>
            {
                services(b.Services);
                // The default 30 s per attempt: a shorter one could time out a slow TLS delivery and send it again,
                // which the tests' one-delivery assertions would count.
                b.Services.AddMicro().ConfigureHttpBroker(o =>
                {
                    o.RetryDelay = TimeSpan.FromMilliseconds(10);
                    o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
                });
            },
            map: map,
            name: name);

    private sealed class RecordAuthorization(MessageSink<string> sink) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, further) =>
            {
                // A delivery: POST /_sub?id= (Go Micro v1's path) or POST /?id= (v2.5+), whichever the publisher uses.
                if (HttpMethods.IsPost(context.Request.Method) && context.Request.Query.ContainsKey("id"))
                {
                    sink.Add($"{context.Request.Scheme} {context.Request.Headers.Authorization}");
                }

                return further(context);
            });
            next(app);
        };
    }
}
