extern alias welcome;

using Greeter.Contracts;
using MicroHosting.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using JoinReply = welcome::Welcome.Service.JoinReply;
using JoinRequest = welcome::Welcome.Service.JoinRequest;
using MemberJoined = welcome::Welcome.Service.MemberJoined;
using WelcomeHandler = welcome::Welcome.Service.Welcome;

namespace MicroHosting.Examples.Tests;

/// <summary>
/// examples/Welcome.Service under WebApplicationFactory on a MicroTestNetwork: a service that calls "greeter" and
/// publishes welcome.joined, tested with a fake greeter (or the real Greeter.Service as a second factory) and the
/// recording broker, as the README's "Testing your service" shows.
/// </summary>
public sealed class WelcomeServiceTests : IAsyncLifetime
{
    private readonly MicroTestNetwork _network = new();
    private WebApplicationFactory<WelcomeHandler> _welcome = null!;

    public Task InitializeAsync()
    {
        _welcome = new WebApplicationFactory<WelcomeHandler>().WithMicroTestNetwork(_network);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _welcome.DisposeAsync();
        await _network.DisposeAsync();
    }

    [Fact]
    public async Task Join_FakeGreeter_RepliesWithTheFakesGreetingAndPublishesJoined()
    {
        var greeter = await _network.AddFakeServiceAsync("greeter", app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply { Message = $"Hi {r.Name}" }));

        var reply = await _welcome.CreateMicroClient().CallAsync<JoinRequest, JoinReply>("welcome", "Welcome.Join", new JoinRequest("Ann"));

        Assert.Equal("Hi Ann", reply.Greeting);
        Assert.Equal(1, greeter.Requests);
        var joined = Assert.Single(_network.Broker.PublishedTo(WelcomeHandler.JoinedTopic));
        Assert.Equal(new MemberJoined("Ann", "Hi Ann"), joined.Decode<MemberJoined>());
        Assert.Equal("welcome", joined.Headers["Micro-From-Service"]);
    }

    [Fact]
    public async Task Join_RealGreeterServiceAsSecondFactory_GreetsThroughIt()
    {
        await using var greeter = new WebApplicationFactory<Program>().WithMicroTestNetwork(_network);
        var greeterNode = greeter.GetMicroNode();

        var reply = await _welcome.CreateMicroClient().CallAsync<JoinRequest, JoinReply>("welcome", "Welcome.Join", new JoinRequest("Bob"));

        Assert.Equal("Hello Bob", reply.Greeting);
        Assert.Equal(1, greeterNode.Requests);
        Assert.Equal("Hello Bob", Assert.Single(_network.Broker.PublishedTo(WelcomeHandler.JoinedTopic)).Decode<MemberJoined>().Greeting);
    }

    [Fact]
    public async Task Join_GreeterFails_CallerGetsTheGreetersErrorAndNothingIsPublished()
    {
        var greeter = await _network.AddFakeServiceAsync("greeter", app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply { Message = "unused" }));
        greeter.FailWith(new MicroException("greeter", 503, "greeter is down"));

        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _welcome.CreateMicroClient().CallAsync<JoinRequest, JoinReply>("welcome", "Welcome.Join", new JoinRequest("Cy")));

        Assert.Contains("greeter is down", error.Detail, StringComparison.Ordinal);
        Assert.True(greeter.Requests >= 1);
        Assert.Empty(_network.Broker.Published);
    }

    [Fact]
    public async Task Join_EmptyName_BadRequestWithoutCallingTheGreeter()
    {
        var greeter = await _network.AddFakeServiceAsync("greeter", app => app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply { Message = "unused" }));

        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _welcome.CreateMicroClient().CallAsync<JoinRequest, JoinReply>("welcome", "Welcome.Join", new JoinRequest(" ")));

        Assert.Equal(400, error.Code);
        Assert.Equal("name is required", error.Detail);
        Assert.Equal(0, greeter.Requests);
        Assert.Empty(_network.Broker.Published);
    }
}
