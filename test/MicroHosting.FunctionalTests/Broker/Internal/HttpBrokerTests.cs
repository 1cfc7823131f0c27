using MicroHosting.Broker;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using MicroHosting.Tests.Protos;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;

namespace MicroHosting.Tests.Broker.Internal;

public sealed class HttpBrokerTests
{
    public sealed record OrderPlaced(string Id, int Amount);

    [Fact]
    public async Task Publish_Broadcast_EverySubscriberOnEveryKestrelInstanceGetsEveryMessage()
    {
        using var registry = new InMemoryRegistry();
        var sinks = Enumerable.Range(0, 3).Select(_ => new MessageSink<OrderPlaced>()).ToArray();
        var subscribers = new List<WebApplication>();
        foreach (var sink in sinks)
        {
            subscribers.Add(await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (m, _) => Add(sink, m))));
        }

        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);
        for (var i = 0; i < 5; i++)
        {
            await publisher.Publisher().PublishAsync("orders", new OrderPlaced($"o-{i}", i));
        }

        foreach (var sink in sinks)
        {
            var received = await sink.WaitForAsync(5);
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"o-{i}").Order(), received.Select(m => m.Id).Order());
        }

        await Task.Delay(200);
        Assert.All(sinks, s => Assert.Equal(5, s.Count));
        await DisposeAll(subscribers);
    }

    [Fact]
    public async Task Publish_QueueGroup_EachMessageHandledExactlyOnceAcrossMembers()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<(int Member, string Id)>();
        var members = new List<WebApplication>();
        for (var member = 0; member < 3; member++)
        {
            var m = member;
            members.Add(await BrokerTestHosts.StartAsync("billing", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) => Add(sink, (m, o.Id)), queue: "billing")));
        }

        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);
        for (var i = 0; i < 60; i++)
        {
            await publisher.Publisher().PublishAsync("orders", new OrderPlaced($"o-{i}", i));
        }

        await sink.WaitForAsync(60);
        await Task.Delay(300);
        Assert.Equal(60, sink.Count);
        Assert.Equal(60, sink.Items.Select(x => x.Id).Distinct().Count());
        Assert.True(sink.Items.Select(x => x.Member).Distinct().Count() >= 2, "a random choice over 60 messages should reach more than one member");
        await DisposeAll(members);
    }

    [Fact]
    public async Task Publish_BroadcastAndQueueOnOneTopic_BroadcastGetsAllQueueGetsOnce()
    {
        using var registry = new InMemoryRegistry();
        var broadcast = new MessageSink<string>();
        var queue = new MessageSink<string>();
        await using var a = await BrokerTestHosts.StartAsync("a", registry, s =>
        {
            s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) => Add(broadcast, o.Id));
            s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) => Add(queue, o.Id), queue: "q");
        });
        await using var b = await BrokerTestHosts.StartAsync("b", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) => Add(queue, o.Id), queue: "q"));

        for (var i = 0; i < 10; i++)
        {
            await b.Publisher().PublishAsync("orders", new OrderPlaced($"o-{i}", i));
        }

        await broadcast.WaitForAsync(10);
        await queue.WaitForAsync(10);
        await Task.Delay(200);
        Assert.Equal(10, broadcast.Count);
        Assert.Equal(10, queue.Items.Distinct().Count());
        Assert.Equal(10, queue.Count);
    }

    [Fact]
    public async Task Publish_HeadersAndMetadata_ReachTheSubscriber()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<MicroMessageContext>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (_, context, _) => Add(sink, context)));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);

        var options = new MicroPublishOptions();
        options.Metadata["Tenant"] = "acme";
        await publisher.Publisher().PublishAsync("orders", new OrderPlaced("o-1", 5), options);

        var context = (await sink.WaitForAsync(1))[0];
        Assert.Equal("orders", context.Topic);
        Assert.Equal("application/json", context.ContentType);
        Assert.True(Guid.TryParse(context.Id, out _));
        Assert.Equal("shop", context.FromService);
        Assert.Equal("acme", context.Metadata["tenant"]);
        Assert.Equal("orders", context.RawMessage.GetHeader("Micro-Topic"));
        Assert.False(context.Metadata.ContainsKey("Content-Type"));
        Assert.False(context.Metadata.ContainsKey(":topic"));
    }

    [Fact]
    public async Task Publish_FromInsideHandler_CarriesTheCallersMetadata()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<MicroMessageContext>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (_, context, _) => Add(sink, context)));
        await using var shop = await BrokerTestHosts.StartAsync("shop", registry, s => s.Configure<MicroHosting.Client.MicroClientOptions>(o => o.PropagatedHeaders.Add("Trace-Id")), map: app => app.MapMicroHandler("Shop.Order", async (OrderPlaced order, MicroContext context) =>
        {
            await context.HttpContext.RequestServices.GetRequiredService<IMicroPublisher>().PublishAsync("orders", order, cancellationToken: context.CancellationToken);
            return order;
        }));

        using var http = new HttpClient { BaseAddress = shop.BaseAddress() };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Shop/Order") { Content = System.Net.Http.Json.JsonContent.Create(new OrderPlaced("o-9", 9)) };
        request.Headers.Add("Trace-Id", "abc123");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();

        var context = (await sink.WaitForAsync(1))[0];
        Assert.Equal("abc123", context.Metadata["Trace-Id"]);
        Assert.Equal("shop", context.FromService);
    }

    [Fact]
    public async Task Publish_Protobuf_DecodedBySubscriber()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<(EchoRequest Message, string? ContentType)>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<EchoRequest>("echo", (m, context, _) => Add(sink, (m, context.ContentType))));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);

        var sent = new EchoRequest { Text = "hi", Number = 42, Tags = { "a", "b" } };
        await publisher.Publisher().PublishAsync("echo", sent);

        var (message, contentType) = (await sink.WaitForAsync(1))[0];
        Assert.Equal(sent, message);
        Assert.Equal("application/protobuf", contentType);
    }

    [Fact]
    public async Task Publish_QueueMemberStopsMidStream_NoMessageLost()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        var a = await BrokerTestHosts.StartAsync("worker", registry, s => s.AddMicroSubscriber<OrderPlaced>("jobs", (o, _) => Add(sink, o.Id), queue: "workers"));
        await using var b = await BrokerTestHosts.StartAsync("worker", registry, s => s.AddMicroSubscriber<OrderPlaced>("jobs", (o, _) => Add(sink, o.Id), queue: "workers"));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);
        using var failed = Collector(publisher, "microhosting.broker.delivery_failed");

        Task? stopping = null;
        for (var i = 0; i < 200; i++)
        {
            if (i == 60)
            {
                stopping = a.DisposeAsync().AsTask();
            }

            await publisher.Publisher().PublishAsync("jobs", new OrderPlaced($"j-{i}", i));
            if (i % 10 == 0)
            {
                await Task.Delay(5);
            }
        }

        await stopping!;
        // At least once: a delivery whose acknowledgement was lost with the stopping member may arrive twice.
        await sink.WaitForDistinctAsync(200, TimeSpan.FromSeconds(20));
        Assert.Equal(200, sink.Items.Distinct().Count());
        Assert.Empty(failed.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Publish_BroadcastSubscriberCrashed_FailureCountedAndLoggedOthersStillReceive()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<string>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) => Add(sink, o.Id)));

        // A subscriber that died without deregistering: its registration still points at a port nobody listens on.
        await registry.RegisterAsync(
            new MicroService { Name = "topic:orders", Version = "ff.http.broadcast", Nodes = [new MicroNode { Id = "broker-dead", Address = "127.0.0.1", Port = ExternalServer.FreeTcpPort() }] },
            TimeSpan.FromMinutes(1));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, s => s.AddFakeLogging());
        using var failed = Collector(publisher, "microhosting.broker.delivery_failed");
        using var retried = Collector(publisher, "microhosting.broker.delivery_retried");

        await publisher.Publisher().PublishAsync("orders", new OrderPlaced("o-1", 1));

        await sink.WaitForAsync(1);
        await failed.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(3, retried.GetMeasurementSnapshot().Count); // 4 attempts by default
        var log = publisher.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Name == "BrokerDeliveryFailed");
        Assert.Contains("orders", log.Message, StringComparison.Ordinal);
        Assert.Contains("4 attempt", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_SubscriberThrows_RetriedThenReportedToPublisher()
    {
        using var registry = new InMemoryRegistry();
        var calls = new MessageSink<string>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (o, _) =>
        {
            calls.Add(o.Id);
            throw MicroException.Conflict("audit", "duplicate order");
        }));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, s => s.AddFakeLogging());
        using var failed = Collector(publisher, "microhosting.broker.delivery_failed");

        await publisher.Publisher().PublishAsync("orders", new OrderPlaced("o-1", 1));

        await failed.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal(4, calls.Count);
        var log = publisher.Services.GetFakeLogCollector().GetSnapshot().Single(r => r.Id.Name == "BrokerDeliveryFailed");
        Assert.Contains("subscriber failed: duplicate order", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Publish_QueueMemberThrows_RetriedOnAnotherMember()
    {
        using var registry = new InMemoryRegistry();
        var good = new MessageSink<string>();
        var tried = 0;
        await using var bad = await BrokerTestHosts.StartAsync("worker", registry, s => s.AddMicroSubscriber<OrderPlaced>("jobs", (_, _) =>
        {
            Interlocked.Increment(ref tried);
            throw new InvalidOperationException("disk full");
        }, queue: "w"));
        await using var ok = await BrokerTestHosts.StartAsync("worker", registry, s => s.AddMicroSubscriber<OrderPlaced>("jobs", (o, _) => Add(good, o.Id), queue: "w"));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);
        using var failed = Collector(publisher, "microhosting.broker.delivery_failed");

        for (var i = 0; i < 20; i++)
        {
            await publisher.Publisher().PublishAsync("jobs", new OrderPlaced($"j-{i}", i));
        }

        await good.WaitForAsync(20);
        Assert.Equal(20, good.Items.Distinct().Count());
        // The failing member was tried (a member is picked at random: never, with odds of 2^-20), and each of those
        // deliveries was retried on the other member rather than counted as failed.
        Assert.InRange(Volatile.Read(ref tried), 1, 20);
        Assert.Empty(failed.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task Publish_NoSubscribers_CountedAsDropped()
    {
        using var registry = new InMemoryRegistry();
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);
        using var dropped = Collector(publisher, "microhosting.broker.dropped");

        await publisher.Publisher().PublishAsync("nobody", new OrderPlaced("o-1", 1));

        await dropped.WaitForMeasurementsAsync(1, TimeSpan.FromSeconds(10));
        Assert.Equal("no_subscribers", dropped.LastMeasurement!.Tags["reason"]);
    }

    [Fact]
    public async Task Publish_QueueFull_DropsOldestAndCountsIt()
    {
        using var registry = new InMemoryRegistry();
        var gate = new TaskCompletionSource();
        var firstInHandler = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new MessageSink<string>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", async (o, _) =>
        {
            firstInHandler.TrySetResult();
            await gate.Task;
            sink.Add(o.Id);
        }));
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry, micro: m => m.ConfigureHttpBroker(o =>
        {
            o.MaxQueuedMessagesPerTopic = 2;
            o.MaxConcurrentDeliveriesPerTopic = 1;
        }));
        using var dropped = Collector(publisher, "microhosting.broker.dropped");

        // The first message blocks the only delivery slot; of the next five, three no longer fit the queue of two.
        await publisher.Publisher().PublishAsync("orders", new OrderPlaced("o-0", 0));
        await firstInHandler.Task.WaitAsync(TimeSpan.FromSeconds(30)); // o-0 holds the slot (waited for, not assumed)
        for (var i = 1; i <= 5; i++)
        {
            await publisher.Publisher().PublishAsync("orders", new OrderPlaced($"o-{i}", i));
        }

        await dropped.WaitForMeasurementsAsync(3, TimeSpan.FromSeconds(30));
        gate.SetResult();
        await sink.WaitForAsync(3);

        // Six published, three dropped, three delivered: every message is accounted for, so no late one can follow.
        Assert.Equal(["o-0", "o-4", "o-5"], sink.Items.Order());
        Assert.Equal(3, dropped.GetMeasurementSnapshot().Count(m => (string?)m.Tags["reason"] == "queue_full"));
    }

    [Fact]
    public async Task Subscribe_RegistersTopicServiceAndDescribesSubscriberEndpoint()
    {
        using var registry = new InMemoryRegistry();
        await using var app = await BrokerTestHosts.StartAsync("audit", registry, s =>
        {
            s.AddMicroSubscriber<OrderPlaced>("orders", (_, _) => Task.CompletedTask);
            s.AddMicroSubscriber<OrderPlaced>("orders", (_, _) => Task.CompletedTask, queue: "billing");
        });

        // v1's form: one topic:<topic> service per group.
        var topic = await registry.GetServiceAsync("topic:orders");
        Assert.Equal(["billing", "ff.http.broadcast"], topic.Select(s => s.Version).Order());
        var node = topic[0].Nodes.Single();
        Assert.StartsWith("orders-", node.Id, StringComparison.Ordinal);
        Assert.Equal("false", node.Metadata["secure"]);
        Assert.Equal(app.BaseAddress().Port, node.Port);

        // v2.5+'s form: nodes of micro.http.broker tagged broker=http and topic, with the same ids.
        var shared = await registry.GetServiceAsync("micro.http.broker");
        Assert.Equal(["billing", "ff.http.broadcast"], shared.Select(s => s.Version).Order());
        Assert.Equal(topic.SelectMany(s => s.Nodes).Select(n => n.Id).Order(), shared.SelectMany(s => s.Nodes).Select(n => n.Id).Order());
        Assert.All(shared.SelectMany(s => s.Nodes), n =>
        {
            Assert.Equal("http", n.Metadata["broker"]);
            Assert.Equal("orders", n.Metadata["topic"]);
            Assert.Equal(app.BaseAddress().Port, n.Port);
        });

        var service = (await registry.GetServiceAsync("audit")).Single();
        var endpoint = service.Endpoints.Single(e => e.Name == "Func.orders");
        Assert.Equal("orders", endpoint.Metadata["topic"]);
        Assert.Equal("true", endpoint.Metadata["subscriber"]);
        Assert.Equal("OrderPlaced", endpoint.Request!.Name);
        Assert.Null(endpoint.Response);
        Assert.Equal("http", service.Nodes[0].Metadata["broker"]);
    }

    [Fact]
    public async Task Stop_Unsubscribes_TopicRegistrationRemoved()
    {
        using var registry = new InMemoryRegistry();
        var app = await BrokerTestHosts.StartAsync("audit", registry, s => s.AddMicroSubscriber<OrderPlaced>("orders", (_, _) => Task.CompletedTask));
        Assert.Single(await registry.GetServiceAsync("topic:orders"));
        Assert.Single(await registry.GetServiceAsync("micro.http.broker"));

        await app.DisposeAsync();

        Assert.Empty(await registry.GetServiceAsync("topic:orders"));
        Assert.Empty(await registry.GetServiceAsync("micro.http.broker"));
    }

    internal static MetricCollector<long> Collector(WebApplication app, string instrument)
        => new(app.Services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), "MicroHosting", instrument);

    [Fact]
    public async Task Publish_SubscriberWithHttp2Address_DeliveredOnItsHttp11Port()
    {
        using var registry = new InMemoryRegistry();
        var sink = new MessageSink<OrderPlaced>();
        await using var subscriber = await BrokerTestHosts.StartAsync("audit", registry, s =>
        {
            s.Configure<MicroHosting.Hosting.MicroOptions>(o =>
            {
                o.Address = "127.0.0.1:0";
                o.Http2Address = "127.0.0.1:0";
            });
            s.AddMicroSubscriber<OrderPlaced>("orders", (m, _) => Add(sink, m));
        });
        await using var publisher = await BrokerTestHosts.StartAsync("shop", registry);

        await publisher.Publisher().PublishAsync("orders", new OrderPlaced("o-1", 1));

        Assert.Equal("o-1", Assert.Single(await sink.WaitForAsync(1)).Id);
        var node = Assert.Single(Assert.Single(await registry.GetServiceAsync("audit")).Nodes);
        var brokerNodes = new List<MicroNode>();
        foreach (var service in (await registry.ListServicesAsync()).Where(s => s.Name is not "audit" and not "shop"))
        {
            brokerNodes.AddRange((await registry.GetServiceAsync(service.Name)).SelectMany(s => s.Nodes));
        }

        Assert.NotEmpty(brokerNodes);
        Assert.All(brokerNodes, n => Assert.Equal(node.Port, n.Port)); // the HTTP/1.1 port, not the h2c one
    }

    private static Task Add<T>(MessageSink<T> sink, T item)
    {
        sink.Add(item);
        return Task.CompletedTask;
    }

    private static async Task DisposeAll(IEnumerable<WebApplication> apps)
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
    }
}
