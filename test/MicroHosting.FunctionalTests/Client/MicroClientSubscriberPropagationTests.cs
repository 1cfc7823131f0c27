using System.Text;
using MicroHosting.Broker;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>A subscriber's calls carry the message's metadata on (what the allow-list lets through), as an RPC handler's calls carry the call's.</summary>
public sealed class MicroClientSubscriberPropagationTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SendAsync_InsideSubscriber_CarriesTheMessagesMetadataButNotItsCookie()
    {
        var seen = new TaskCompletionSource<IReadOnlyDictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var greeter = await TestClient.StartGreeterAsync(_registry, handler: (r, c, _) =>
        {
            seen.TrySetResult(c.Metadata);
            return Task.FromResult(new HelloReply("hi"));
        });
        var broker = new InMemoryBroker();
        await using var worker = await MicroTestHost.StartAsync(
            "worker",
            app => app.MapMicroSubscriber<HelloRequest>("greetings", async (message, context, ct) =>
                await context.Services.GetRequiredService<IMicroClient>().HelloAsync(message.Name)),
            _registry,
            configure: m => m.UseBroker(broker),
            configureBuilder: b => b.Configuration["Micro:Client:PropagatedHeaders:0"] = "Tenant");

        // Micro-* metadata and the header on Micro:Client:PropagatedHeaders travel on; a cookie and any other header do not.
        var headers = new Dictionary<string, string>
        {
            ["Content-Type"] = "application/json", ["Micro-Tenant"] = "acme", ["Tenant"] = "acme", ["Cookie"] = "session=secret", ["X-Api-Key"] = "secret",
        };
        var body = Encoding.UTF8.GetBytes("""{"name":"Ann"}""");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!seen.Task.IsCompleted && DateTime.UtcNow < deadline)
        {
            await broker.PublishAsync("greetings", new BrokerMessage(headers, body)); // until the subscription is up
            await Task.WhenAny(seen.Task, Task.Delay(100));
        }

        var metadata = await seen.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(("acme", "acme"), (metadata["Micro-Tenant"], metadata["Tenant"]));
        Assert.False(metadata.ContainsKey("Cookie"));
        Assert.False(metadata.ContainsKey("X-Api-Key"));
        Assert.Equal("worker", metadata["Micro-From-Service"]);
    }
}
