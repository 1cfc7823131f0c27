// Streaming RPC, all on loopback in one process: a "numbers" service with a server stream (Numbers.Count), a client
// stream (Numbers.Sum) and a bidirectional stream (Numbers.Running), and a client that calls each by service name
// through the registry. The program ends by itself.
using MicroHosting.Client;
using MicroHosting.Registry;
using Streaming;

using var registry = new InMemoryRegistry(); // shared, so the client finds the service without multicast

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.UseUrls("http://127.0.0.1:0");
builder.Services.AddMicro(o => o.Name = "numbers").UseRegistry(registry);
var service = builder.Build();
service.MapMicroHandlers<Numbers>();
await service.StartAsync();

// The client: any app with AddMicro (or AddMicroCore for a pure client) has IMicroClient.
var clientBuilder = WebApplication.CreateSlimBuilder(args);
clientBuilder.Logging.SetMinimumLevel(LogLevel.Warning);
clientBuilder.Services.AddMicroCore().UseRegistry(registry);
await using var clientApp = clientBuilder.Build();
var client = clientApp.Services.GetRequiredService<IMicroClient>();
var ok = true;

// 1. Server streaming: read the numbers as they come.
long counted = 0;
await foreach (var number in client.ServerStreamAsync<CountRequest, Number>("numbers", "Numbers.Count", new CountRequest(100_000)))
{
    counted += number.Value;
}

Console.WriteLine($"Numbers.Count: 100000 numbers, sum {counted}");
ok &= counted == 5_000_050_000;

// 2. Client streaming: send a stream, get one reply.
var total = await client.ClientStreamAsync<Number, Total>("numbers", "Numbers.Sum", OneTo(1000));
Console.WriteLine($"Numbers.Sum: {total.Count} numbers, sum {total.Sum}");
ok &= total is { Count: 1000, Sum: 500_500 };

// 3. Bidirectional: send and read at the same time; a deadline covers the whole stream.
await using (var running = await client.OpenDuplexStreamAsync<Number, Total>("numbers", "Numbers.Running", new MicroCallOptions { Timeout = TimeSpan.FromSeconds(30) }))
{
    var reading = Task.Run(async () =>
    {
        Total? last = null;
        await foreach (var t in running.ReadAllAsync())
        {
            last = t;
        }

        return last;
    });
    for (var i = 1; i <= 10; i++)
    {
        await running.SendAsync(new Number(i));
    }

    await running.CompleteAsync();
    var last = await reading;
    Console.WriteLine($"Numbers.Running: last running total {last?.Sum} after {last?.Count} numbers, served by {running.Node.Id}");
    ok &= last is { Sum: 55, Count: 10 };
}

await service.StopAsync();
await service.DisposeAsync();
Console.WriteLine(ok ? "streaming example: all streams OK" : "streaming example: FAILED");
return ok ? 0 : 1;

static async IAsyncEnumerable<Number> OneTo(int n)
{
    for (var i = 1; i <= n; i++)
    {
        await Task.Yield();
        yield return new Number(i);
    }
}
