// Pub/sub with the http broker (Go Micro's default), all on loopback in one process:
// a publisher ("shop"), a broadcast subscriber ("audit") and two members of the queue group "billing".
// Every order reaches audit; each order reaches exactly one billing member. The program ends by itself.
using System.Collections.Concurrent;
using MicroHosting.Broker;
using MicroHosting.Registry;
using PubSub;

const int Orders = 10;
const string Topic = "shop.orders";
using var registry = new InMemoryRegistry(); // shared, so the services find each other without multicast
var audit = new ConcurrentBag<string>();
var billing = new ConcurrentBag<string>();
var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

void Check()
{
    if (audit.Count >= Orders && billing.Count >= Orders)
    {
        done.TrySetResult();
    }
}

var apps = new List<WebApplication>
{
    await StartAsync("audit", s => s.AddMicroSubscriber<OrderPlaced>(Topic, (order, context, _) =>
    {
        audit.Add(order.Id);
        Console.WriteLine($"audit     got {order.Id} ({order.Amount}) from {context.FromService}, tenant={context.Metadata.GetValueOrDefault("tenant")}");
        Check();
        return Task.CompletedTask;
    })),
};
for (var member = 1; member <= 2; member++)
{
    var name = $"billing-{member}";
    apps.Add(await StartAsync("billing", s => s.AddMicroSubscriber<OrderPlaced>(Topic, (order, _) =>
    {
        billing.Add(order.Id);
        Console.WriteLine($"{name} got {order.Id}");
        Check();
        return Task.CompletedTask;
    }, queue: "billing")));
}

var shop = await StartAsync("shop", s => s.AddMicroPublisher<OrderPlaced>(Topic));
apps.Add(shop);
var publisher = shop.Services.GetRequiredService<IPublisher<OrderPlaced>>();
for (var i = 1; i <= Orders; i++)
{
    var options = new MicroPublishOptions();
    options.Metadata["tenant"] = "acme";
    await publisher.PublishAsync(new OrderPlaced($"order-{i}", i * 10m), options);
}

await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
Console.WriteLine($"audit received {audit.Count} of {Orders}; billing received {billing.Count} of {Orders}, {billing.Distinct().Count()} distinct.");
foreach (var app in Enumerable.Reverse(apps))
{
    await app.StopAsync();
    await app.DisposeAsync();
}

return audit.Count == Orders && billing.Distinct().Count() == Orders ? 0 : 1;

async Task<WebApplication> StartAsync(string name, Action<IServiceCollection> configure)
{
    var builder = WebApplication.CreateSlimBuilder(args);
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    builder.Services.AddMicro(o => o.Name = name).UseRegistry(registry);
    configure(builder.Services);
    var app = builder.Build();
    app.MapMicroHandlers();
    await app.StartAsync();
    return app;
}
