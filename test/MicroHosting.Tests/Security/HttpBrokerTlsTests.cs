using MicroHosting.Broker;
using MicroHosting.Registry;
using MicroHosting.Tests.Client;
using MicroHosting.TestUtilities;
using MicroHosting.TestUtilities.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
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

    private Task<WebApplication> StartAsync(string name, Action<IServiceCollection> services, Dictionary<string, string?>? configuration = null)
        => TlsTestNodes.StartAsync(
            _registry,
            _pki.IssueServer(),
            configuration: configuration,
            configureBuilder: b =>
            {
                services(b.Services);
                b.Services.AddMicro().ConfigureHttpBroker(o =>
                {
                    o.RetryDelay = TimeSpan.FromMilliseconds(10);
                    o.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
                    o.DeliveryTimeout = TimeSpan.FromSeconds(5);
                });
            },
            name: name);

    private sealed class RecordAuthorization(MessageSink<string> sink) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, further) =>
            {
                // Go Micro v2.5+'s form (POST /?id=<node>) or v1's (POST /_sub): the broker delivers in the form the subscriber registered.
                if (context.Request.Path.Value is "/_sub" or "/")
                {
                    sink.Add($"{context.Request.Scheme} {context.Request.Headers.Authorization}");
                }

                return further(context);
            });
            next(app);
        };
    }
}
