using MicroHosting.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Orders;

namespace MicroHosting.Testing.Tests;

/// <summary>The kit as its users use it: WebApplicationFactory over a real Program that calls a downstream service and publishes.</summary>
public sealed class OrdersAppTests : IAsyncLifetime
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
    public async Task CreateMicroClient_FakeDownstream_HandlerCallsTheFakeAndPublishIsRecorded()
    {
        var charged = new List<int>();
        var billing = await _network.AddFakeServiceAsync("billing", app => app.MapMicroHandler("Billing.Charge", (ChargeRequest r) =>
        {
            lock (charged)
            {
                charged.Add(r.Cents);
            }

            return new ChargeReply($"r-{r.Cents}");
        }));

        var reply = await _factory.CreateMicroClient().CallAsync<PlaceOrder, OrderPlaced>("orders", "Orders.Place", new PlaceOrder("book", 1200));

        Assert.Equal(new OrderPlaced("book", "r-1200"), reply);
        Assert.Equal([1200], charged);
        Assert.Equal(1, billing.Requests);
        var published = Assert.Single(_network.Broker.PublishedTo("orders.placed"));
        Assert.Equal(new OrderPlaced("book", "r-1200"), published.Decode<OrderPlaced>());
        Assert.Equal("book", published.Message.GetHeader("X-Order-Item"));
        Assert.StartsWith("application/json", published.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetMicroNode_AppRegistersInTheNetworkRegistry_UnderAnAddressOnlyTheNetworkKnows()
    {
        var node = _factory.GetMicroNode();

        var services = await _network.Registry.GetServiceAsync("orders");
        var registered = Assert.Single(Assert.Single(services).Nodes);
        Assert.Equal(node.Address, registered.HostPort);
        Assert.EndsWith(".microtest", registered.Address, StringComparison.Ordinal);
        Assert.Contains(services[0].Endpoints, e => e.Name == "Orders.Place");
    }

    [Fact]
    public async Task CallAsync_GoMicroRouteThroughFixedAddress_ReachesTheSameHandler()
    {
        await _network.AddFakeServiceAsync("billing", app => app.MapMicroHandler("Billing.Charge", (ChargeRequest r) => new ChargeReply("go")));
        var address = _factory.GetMicroNode().Address;

        var reply = await _factory.CreateMicroClient().CallAsync<PlaceOrder, OrderPlaced>("orders", "Orders.Place", new PlaceOrder("pen", 5), new MicroCallOptions { Address = address });

        Assert.Equal("go", reply.Receipt);
    }

    [Fact]
    public async Task Place_DownstreamNotRunning_CallerGetsTheAppsErrorAndNothingIsPublished()
    {
        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _factory.CreateMicroClient().CallAsync<PlaceOrder, OrderPlaced>("orders", "Orders.Place", new PlaceOrder("cup", 1)));

        Assert.Contains("billing", error.Detail, StringComparison.Ordinal);
        Assert.Empty(_network.Broker.Published);
    }

    [Fact]
    public async Task WithMicroTestNetwork_SecondFactoryAsDownstream_AppCallsTheRealDownstreamApp()
    {
        await using var billing = new WebApplicationFactory<Program>()
            .WithWebHostBuilder(b => b.UseSetting("TestApp:Role", "billing"))
            .WithMicroTestNetwork(_network);
        var billingNode = billing.GetMicroNode();

        var reply = await _factory.CreateMicroClient().CallAsync<PlaceOrder, OrderPlaced>("orders", "Orders.Place", new PlaceOrder("desk", 300));

        Assert.Equal("real-300", reply.Receipt);
        Assert.Equal(1, billingNode.Requests);
        Assert.NotEqual(billingNode.Address, _factory.GetMicroNode().Address);
    }

    [Fact]
    public async Task PublishAsync_OnTheNetwork_DeliversToTheAppsSubscriber()
    {
        _ = _factory.GetMicroNode(); // starts the app, and with it its subscriptions

        await _network.Client.PublishAsync("orders.shipped", new Shipment("lamp"));

        Assert.Equal(["lamp"], _factory.Services.GetRequiredService<Shipments>().Items);
    }
}
