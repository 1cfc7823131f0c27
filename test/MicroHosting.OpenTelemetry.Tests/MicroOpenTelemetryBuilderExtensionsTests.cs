using System.Diagnostics;
using MicroHosting.Broker;
using MicroHosting.Client;
using MicroHosting.Diagnostics;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace MicroHosting.OpenTelemetry.Tests;

public sealed class MicroOpenTelemetryBuilderExtensionsTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AddMicroInstrumentation_ClientServiceBrokerSubscriber_OneConnectedTrace()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var (orders, billing, topic) = ("orders-" + id, "billing-" + id, "orders.placed." + id);
        var exported = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder().AddMicroInstrumentation().AddInMemoryExporter(exported).Build();
        using var registry = new InMemoryRegistry();
        var delivered = new TaskCompletionSource<OrderPlaced>(TaskCreationOptions.RunContinuationsAsynchronously);

        // orders: an RPC handler that publishes; billing: a subscriber. The http broker carries the message between them.
        await using var ordersApp = await MicroTestHost.StartAsync(orders, app => app.MapMicroHandler(
            "Orders.Place",
            async (OrderRequest request, MicroContext context) =>
            {
                var publisher = context.HttpContext.RequestServices.GetRequiredService<IMicroPublisher>();
                await publisher.PublishAsync(topic, new OrderPlaced("o-1", request.Item), cancellationToken: context.CancellationToken);
                return new OrderReply("o-1");
            }), registry);
        await using var billingApp = await MicroTestHost.StartAsync(
            billing,
            _ => { },
            registry,
            configureBuilder: b => b.Services.AddMicroSubscriber<OrderPlaced>(topic, (message, _) =>
            {
                delivered.TrySetResult(message);
                return Task.CompletedTask;
            }));
        await using var client = CreateClient(registry);

        var reply = await client.GetRequiredService<IMicroClient>().CallAsync<OrderRequest, OrderReply>(orders, "Orders.Place", new OrderRequest("book"));
        Assert.Equal("o-1", reply.Id);
        Assert.Equal("book", (await delivered.Task.WaitAsync(Wait)).Item);
        tracing.ForceFlush();

        var spans = await SpansOfAsync(exported, orders, 5);
        var call = Assert.Single(spans, s => s.Kind == ActivityKind.Internal);
        var attempt = Assert.Single(spans, s => s.Kind == ActivityKind.Client);
        var server = Assert.Single(spans, s => s.Kind == ActivityKind.Server);
        var send = Assert.Single(spans, s => s.Kind == ActivityKind.Producer);
        var process = Assert.Single(spans, s => s.Kind == ActivityKind.Consumer);
        Assert.Equal(default, call.ParentSpanId); // the client's call is the root
        Assert.Equal(call.SpanId, attempt.ParentSpanId);
        Assert.Equal(attempt.SpanId, server.ParentSpanId);
        Assert.Equal(server.SpanId, send.ParentSpanId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.All(spans, s => Assert.Equal(call.TraceId, s.TraceId));
        Assert.Equal(("Orders/Place", "Orders/Place", "Orders/Place", "send " + topic, "process " + topic), (call.DisplayName, attempt.DisplayName, server.DisplayName, send.DisplayName, process.DisplayName));
        var node = Assert.Single(await registry.GetServiceAsync(orders)).Nodes.Single();
        Assert.Equal((node.Address, node.Port, node.Id), ((string?)attempt.GetTagItem("server.address"), (int?)attempt.GetTagItem("server.port"), (string?)attempt.GetTagItem("micro.node.id")));
        Assert.Equal(("http", topic), ((string?)process.GetTagItem("messaging.system"), (string?)process.GetTagItem("messaging.destination.name")));
    }

    [Fact]
    public async Task AddMicroInstrumentation_OpenTelemetryBuilder_ExportsMetricsOfTheHostMeter()
    {
        var service = "metrics-" + Guid.NewGuid().ToString("N")[..8];
        var metrics = new List<Metric>();
        using var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            service,
            a => a.MapMicroHandler("Orders.Place", (OrderRequest r) => new OrderReply(r.Item)),
            registry,
            configureBuilder: b => b.Services.AddOpenTelemetry().AddMicroInstrumentation().WithMetrics(m => m.AddInMemoryExporter(metrics)));
        await using var client = CreateClient(registry);

        await client.GetRequiredService<IMicroClient>().CallAsync<OrderRequest, OrderReply>(service, "Orders.Place", new OrderRequest("x"));
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();

        // A MeterProvider listens to every meter named MicroHosting in the process, so the hosts of tests running in
        // parallel show up too, each meter as its own metric of the same name: this host's points are the ones tagged
        // with its (unique) service name.
        var durations = metrics.Where(m => m.Name == "rpc.server.call.duration").ToList();
        Assert.NotEmpty(durations);
        Assert.All(durations, d => Assert.Equal(MicroTelemetry.Name, d.MeterName));

        var points = new List<(MetricPoint Point, Dictionary<string, object?> Tags)>();
        foreach (var duration in durations)
        {
            foreach (ref readonly var point in duration.GetMetricPoints())
            {
                var tags = new Dictionary<string, object?>();
                foreach (var tag in point.Tags)
                {
                    tags[tag.Key] = tag.Value;
                }

                if (tags.TryGetValue("micro.service", out var name) && Equals(name, service))
                {
                    points.Add((point, tags));
                }
            }
        }

        var (served, servedTags) = Assert.Single(points);
        Assert.Equal(1, served.GetHistogramCount());
        Assert.Equal(("Orders", "Place", 200), (servedTags["rpc.service"], servedTags["rpc.method"], servedTags["rpc.response.status_code"]));
    }

    private static ServiceProvider CreateClient(IRegistry registry)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddMicroCore().UseRegistry(registry);
        return services.BuildServiceProvider();
    }

    /// <summary>The spans of the trace whose client call named <paramref name="service"/>; the last ones may still be ending.</summary>
    private static async Task<List<Activity>> SpansOfAsync(ExportedSpans exported, string service, int count)
    {
        var deadline = DateTime.UtcNow + Wait;
        while (true)
        {
            var all = exported.Snapshot();
            var root = all.FirstOrDefault(s => s.Kind == ActivityKind.Internal && (string?)s.GetTagItem("micro.service") == service);
            var spans = root is null ? [] : all.Where(s => s.TraceId == root.TraceId).ToList();
            if (spans.Count >= count || DateTime.UtcNow > deadline)
            {
                return spans;
            }

            await Task.Delay(50);
        }
    }
}
