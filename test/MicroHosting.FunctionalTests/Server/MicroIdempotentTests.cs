using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Tests.Server;

/// <summary>Idempotency is declared once, on the handler, and travels in the registry's endpoint metadata.</summary>
public sealed class MicroIdempotentTests
{
    [Fact]
    public async Task Register_AttributeOrConvention_EndpointMetadataSaysIdempotent()
    {
        var registry = new InMemoryRegistry();
        await using var app = await MicroTestHost.StartAsync(
            "shop",
            a =>
            {
                a.MapMicroHandlers<ShopHandler>("Shop");
                a.MapMicroHandler("Stock.Count", [MicroIdempotent] (HelloRequest r) => new HelloReply(r.Name));
                a.MapMicroHandler("Stock.Peek", (HelloRequest r) => new HelloReply(r.Name)).Idempotent();
                a.MapMicroHandler("Stock.Take", (HelloRequest r) => new HelloReply(r.Name));
            },
            registry);

        var service = Assert.Single(await registry.GetServiceAsync("shop"));
        var idempotent = service.Endpoints.Where(e => e.Metadata.TryGetValue("idempotent", out var v) && v == "true").Select(e => e.Name).Order(StringComparer.Ordinal);

        Assert.Equal(["Shop.Price", "Stock.Count", "Stock.Peek"], idempotent);
        Assert.All(service.Endpoints, e => Assert.Equal("false", e.Metadata["stream"]));
    }

    [Fact]
    public void Idempotent_OnAnotherBuilder_ThrowsSayingWhereItApplies()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OtherBuilder().Idempotent());

        Assert.Equal("Idempotent() applies to MicroHosting endpoints: call it on what MapMicroHandler or MapMicroHandlers returns.", error.Message);
    }

    private sealed class OtherBuilder : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
        }
    }
}

/// <summary>A handler class with one idempotent method and one that is not.</summary>
public sealed class ShopHandler
{
    [MicroIdempotent]
    public Task<HelloReply> Price(HelloRequest request) => Task.FromResult(new HelloReply(request.Name));

    public Task<HelloReply> Buy(HelloRequest request) => Task.FromResult(new HelloReply(request.Name));
}
