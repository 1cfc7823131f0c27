using MicroHosting.Broker.Internal;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Tests.Client.Pipeline;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client.Internal;

/// <summary>The public hook a test kit uses to put its own handler under MicroHosting's HttpClients, and only under those.</summary>
public sealed class MicroPrimaryHandlerFilterTests
{
    [Fact]
    public async Task SendAsync_FactoryRegistered_TheCallGoesThroughItsHandlerToThePickedNode()
    {
        using var registry = new InMemoryRegistry();
        await registry.RegisterAsync(new MicroService { Name = "greeter", Nodes = [new MicroNode { Id = "greeter-1", Address = "127.0.0.1", Port = 52001 }] }, TimeSpan.Zero);
        var factory = new RecordingFactory();
        await using var services = TestClient.Create(registry, configure: s => s.AddSingleton<IMicroPrimaryHandlerFactory>(factory));

        var reply = await services.GetRequiredService<IMicroClient>().HelloAsync();

        Assert.Equal("from the factory's handler", reply.Value.Message);
        Assert.Equal([MicroClientOptions.HttpClientName], factory.Names);
        Assert.Equal("127.0.0.1:52001", Assert.Single(Assert.Single(factory.Handlers).Sent).HostPort);
    }

    [Fact]
    public async Task CreateClient_FactoryRegistered_ReplacesTheHandlerOfTypedClientsStreamsAndTheBroker_ButNotOtherClients()
    {
        var factory = new RecordingFactory();
        await using var services = TestClient.Create(new InMemoryRegistry(), configure: s =>
        {
            s.AddMicroClient<GreeterClient>("greeter").ConfigurePrimaryHttpMessageHandler(() => new StubHandler()); // configured after: the factory still wins
            s.AddHttpClient("unrelated");
            s.AddSingleton<IMicroPrimaryHandlerFactory>(factory);
        });
        var clients = services.GetRequiredService<IHttpClientFactory>();

        clients.CreateClient("unrelated").Dispose();
        services.GetRequiredService<GreeterClient>();
        clients.CreateClient(HttpBroker.ClientName).Dispose();
        clients.CreateClient(MicroClientOptions.StreamHttpClientName).Dispose();

        Assert.Equal([typeof(GreeterClient).Name, HttpBroker.ClientName, MicroClientOptions.StreamHttpClientName], factory.Names);
    }

    [Fact]
    public async Task CreateClient_LastFactoryRegistered_Wins()
    {
        var first = new RecordingFactory();
        var last = new RecordingFactory();
        await using var services = TestClient.Create(new InMemoryRegistry(), configure: s =>
        {
            s.AddSingleton<IMicroPrimaryHandlerFactory>(first);
            s.AddSingleton<IMicroPrimaryHandlerFactory>(last);
        });

        services.GetRequiredService<IHttpClientFactory>().CreateClient(MicroClientOptions.HttpClientName).Dispose();

        Assert.Empty(first.Names);
        Assert.Equal([MicroClientOptions.HttpClientName], last.Names);
    }

    private sealed class GreeterClient(MicroServiceClient client)
    {
        public MicroServiceClient Client { get; } = client;
    }

    private sealed class RecordingFactory : IMicroPrimaryHandlerFactory
    {
        public List<string> Names { get; } = [];

        public List<StubHandler> Handlers { get; } = [];

        public HttpMessageHandler CreatePrimaryHandler(string clientName)
        {
            Names.Add(clientName);
            var handler = new StubHandler
            {
                Respond = (_, _) => Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK)
                {
                    Content = new StringContent("""{"message":"from the factory's handler"}""", System.Text.Encoding.UTF8, "application/json"),
                }),
            };
            Handlers.Add(handler);
            return handler;
        }
    }
}
