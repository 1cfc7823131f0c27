using System.Net.Http.Json;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client;

/// <summary>Typed clients: over <see cref="MicroServiceClient"/> or over a plain <see cref="HttpClient"/>.</summary>
public sealed class MicroClientServiceCollectionExtensionsTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private WebApplication _native = null!;
    private WebApplication _goNode = null!;

    public async Task InitializeAsync()
    {
        _native = await TestClient.StartGreeterAsync(_registry);
        _goNode = await MicroTestHost.StartAsync("unused", app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply($"Go {r.Name}")));
        await _registry.RegisterAsync(new MicroService
        {
            Name = "gogreeter",
            Nodes = [new MicroNode { Id = "gogreeter-1", Address = "127.0.0.1", Port = new Uri(_goNode.Urls.First()).Port }],
        }, TimeSpan.Zero);
    }

    public async Task DisposeAsync()
    {
        await _native.DisposeAsync();
        await _goNode.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task AddMicroClient_ServiceClientConstructor_CallsTheNamedService()
    {
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClient<TypedGreeter>("greeter"));

        var reply = await services.GetRequiredService<TypedGreeter>().HelloAsync("Ann");

        Assert.Equal($"Hello Ann from {TestClient.NodeId(_native)}", reply);
    }

    [Fact]
    public async Task AddMicroClient_ClientDefaults_ApplyAndCallsOverrideThem()
    {
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClient<TypedGreeter>("greeter", o => o.Filter = MicroNodeFilters.Version("v9")));
        var greeter = services.GetRequiredService<TypedGreeter>();

        await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => greeter.HelloAsync("Ann"));
        var reply = await greeter.Client.CallAsync<HelloRequest, HelloReply>("Greeter.Hello", new HelloRequest("Bo"), new MicroCallOptions { Filter = MicroNodeFilters.Version("latest") });

        Assert.StartsWith("Hello Bo", reply.Message, StringComparison.Ordinal);
        Assert.Equal("greeter", greeter.Client.Service);
    }

    [Theory]
    [InlineData("greeter", "Hello Cy from greeter-")]
    [InlineData("gogreeter", "Go Cy")]
    public async Task AddMicroClient_HttpClientConstructor_PathNamesTheEndpointOnEitherProtocol(string service, string expected)
    {
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClient<HttpGreeter>(service));

        var reply = await services.GetRequiredService<HttpGreeter>().HelloAsync("Cy");

        Assert.StartsWith(expected, reply, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddMicroClient_MicroServiceClientItself_CanBeTheTypedClient()
    {
        await using var services = TestClient.Create(_registry, configure: s => s.AddMicroClient<MicroServiceClient>("greeter"));

        var reply = await services.GetRequiredService<MicroServiceClient>().CallAsync<HelloRequest, HelloReply>("Greeter.Hello", new HelloRequest("Di"));

        Assert.StartsWith("Hello Di", reply.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddMicroClient_ThenAddMicroCore_AddsTheClientPipelineOnce()
    {
        var once = new ServiceCollection().AddLogging();
        once.AddMicroCore();
        var thrice = new ServiceCollection().AddLogging();
        thrice.AddMicroClient<TypedGreeter>("greeter");
        thrice.AddMicroCore();
        thrice.AddMicroCore();

        Assert.Equal(HandlerSetups(once), HandlerSetups(thrice));
        Assert.Single(thrice, d => d.ServiceType == typeof(IMicroClient));
    }

    private static int HandlerSetups(IServiceCollection services)
    {
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptionsMonitor<HttpClientFactoryOptions>>().Get(MicroClientOptions.HttpClientName).HttpMessageHandlerBuilderActions.Count;
    }

    private sealed class TypedGreeter(MicroServiceClient client)
    {
        public MicroServiceClient Client => client;

        public async Task<string> HelloAsync(string name)
            => (await client.CallAsync<HelloRequest, HelloReply>("Greeter.Hello", new HelloRequest(name))).Message;
    }

    private sealed class HttpGreeter(HttpClient http)
    {
        public async Task<string> HelloAsync(string name)
        {
            using var response = await http.PostAsJsonAsync("Greeter/Hello", new HelloRequest(name));
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<HelloReply>())!.Message;
        }
    }
}
