using MicroHosting;
using MicroHosting.Client;
using MicroHosting.Testing;
using MicroService1.Contracts;
using Microsoft.AspNetCore.Mvc.Testing;

namespace MicroService1.Tests;

/// <summary>
/// The service's real Program under WebApplicationFactory, on an in-memory MicroTestNetwork: no ports, no multicast.
/// Add fakes for the services it calls with _network.AddFakeServiceAsync("name", app => app.MapMicroHandler(...)), and
/// assert what it publishes with _network.Broker.PublishedTo("topic").
/// </summary>
public sealed class MicroService1Tests : IAsyncLifetime
{
    private readonly MicroTestNetwork _network = new();
    private WebApplicationFactory<Program> _factory = null!;

    public Task InitializeAsync()
    {
        _factory = new WebApplicationFactory<Program>().WithMicroTestNetwork(_network);
        _ = _factory.GetMicroNode(); // starts the app: it registers on the network
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task Hello_Name_RepliesThroughTheGeneratedClient()
    {
        var client = _network.CreateClient<IMicroService1>("microservice1");

        var reply = await client.HelloAsync(new HelloRequest { Name = "John" });

        Assert.Equal("Hello John", reply.Message);
    }

    [Fact]
    public async Task Hello_GoMicroRoute_Replies()
    {
        var options = new MicroCallOptions { Address = _factory.GetMicroNode().Address };

        var reply = await _factory.CreateMicroClient().CallAsync<HelloRequest, HelloReply>("microservice1", "MicroService1.Hello", new HelloRequest { Name = "Go" }, options);

        Assert.Equal("Hello Go", reply.Message);
    }

    [Fact]
    public async Task Hello_EmptyName_IsABadRequest()
    {
        var client = _network.CreateClient<IMicroService1>("microservice1");

        var error = await Assert.ThrowsAnyAsync<MicroException>(() => client.HelloAsync(new HelloRequest { Name = "" }));

        Assert.Equal(400, error.Code);
        Assert.Equal("name is required", error.Detail);
    }
}
