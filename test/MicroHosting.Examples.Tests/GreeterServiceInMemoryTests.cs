using Greeter.Contracts;
using MicroHosting.Client;
using MicroHosting.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MicroHosting.Examples.Tests;

/// <summary>
/// examples/Greeter.Service's real Program under WebApplicationFactory on a MicroTestNetwork (MicroHosting.Testing):
/// in memory, no ports, no mDNS, as the README's "Testing your service" shows.
/// </summary>
public sealed class GreeterServiceInMemoryTests : IAsyncLifetime
{
    private readonly MicroTestNetwork _network = new();
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithMicroTestNetwork(_network);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task CreateMicroClient_NativeRoute_HelloAnswers()
    {
        var reply = await _factory.CreateMicroClient().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Hello", new HelloRequest { Name = "John" });

        Assert.Equal("Hello John", reply.Message);
        Assert.Equal(1, _factory.GetMicroNode().Requests);
    }

    [Fact]
    public async Task CreateMicroClient_GoMicroRoute_HelloAnswers()
    {
        var options = new MicroCallOptions { Address = _factory.GetMicroNode().Address, ContentType = "application/protobuf" };

        var reply = await _factory.CreateMicroClient().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Hello", new HelloRequest { Name = "Go" }, options);

        Assert.Equal("Hello Go", reply.Message);
    }

    [Fact]
    public async Task CreateClient_GeneratedProtoContract_HelloAnswers()
    {
        _ = _factory.GetMicroNode();

        var reply = await _network.CreateClient<IGreeter>("greeter").HelloAsync(new HelloRequest { Name = "Proto" });

        Assert.Equal("Hello Proto", reply.Message);
    }

    [Fact]
    public async Task GeneratedProtoContract_FakeGreeterDownstream_ServesTheGreeterClientsCall()
    {
        // A fake "greeter" as a test of a greeter caller registers it: a handler delegate under the service name.
        var fake = await _network.AddFakeServiceAsync("fakegreeter", app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply { Message = $"fake {r.Name}" }));

        var reply = await _network.CreateClient<IGreeter>("fakegreeter").HelloAsync(new HelloRequest { Name = "Ann" });

        Assert.Equal("fake Ann", reply.Message);
        Assert.Equal(1, fake.Requests);
        Assert.Equal(0, _factory.GetMicroNode().Requests);
    }

    [Fact]
    public async Task Hello_EmptyName_CallerGetsBadRequestFromTheHandler()
    {
        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _factory.CreateMicroClient().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Hello", new HelloRequest { Name = "" }));

        Assert.Equal(400, error.Code);
        Assert.Equal("name is required", error.Detail);
    }

    [Fact]
    public async Task Hello_ServiceRegistersInTheNetworkRegistry_WithItsEndpoint()
    {
        var node = _factory.GetMicroNode();

        var service = Assert.Single(await _network.Registry.GetServiceAsync("greeter"));

        Assert.Equal(node.Address, Assert.Single(service.Nodes).HostPort);
        Assert.Contains(service.Endpoints, e => e.Name == "Greeter.Hello");
    }

    [Fact]
    public async Task Hello_NodeFailsThenHeals_CallerSeesTheFailureThenTheReply()
    {
        var node = _factory.GetMicroNode();
        node.FailWith(new MicroException("greeter", 503, "draining"));

        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _factory.CreateMicroClient().CallAsync<HelloRequest, HelloReply>(
            "greeter", "Greeter.Hello", new HelloRequest { Name = "A" }, new MicroCallOptions { Retries = 0 }));
        node.Heal();
        var reply = await _factory.CreateMicroClient().CallAsync<HelloRequest, HelloReply>("greeter", "Greeter.Hello", new HelloRequest { Name = "B" });

        Assert.Equal((503, "draining"), (error.Code, error.Detail));
        Assert.Equal("Hello B", reply.Message);
    }
}
