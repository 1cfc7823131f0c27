using MicroHosting;
using MicroHosting.Broker;
using MicroHosting.Client;

namespace Orders;

public sealed record PlaceOrder(string Item, int Cents);

public sealed record OrderPlaced(string Item, string Receipt);

public sealed record ChargeRequest(int Cents);

public sealed record ChargeReply(string Receipt);

public sealed record Shipment(string Item);

/// <summary>Orders.Place charges "billing", publishes orders.placed and answers with the receipt.</summary>
public sealed class Orders(IMicroClient client, IMicroPublisher publisher)
{
    public async Task<OrderPlaced> Place(PlaceOrder order, MicroContext context, CancellationToken cancellationToken)
    {
        var charge = await client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(order.Cents), cancellationToken: cancellationToken);
        var placed = new OrderPlaced(order.Item, charge.Receipt);
        await publisher.PublishAsync("orders.placed", placed, new MicroPublishOptions { Metadata = { ["X-Order-Item"] = order.Item } }, cancellationToken);
        return placed;
    }
}

/// <summary>Remembers shipments delivered on orders.shipped.</summary>
public sealed class Shipments
{
    private readonly List<string> _items = [];

    public IReadOnlyList<string> Items
    {
        get
        {
            lock (_items)
            {
                return [.. _items];
            }
        }
    }

    public void Add(string item)
    {
        lock (_items)
        {
            _items.Add(item);
        }
    }
}

/// <summary>The orders.shipped subscriber.</summary>
public sealed class ShipmentSubscriber(Shipments shipments) : IMicroSubscriber<Shipment>
{
    public Task HandleAsync(Shipment message, MicroMessageContext context, CancellationToken cancellationToken)
    {
        shipments.Add(message.Item);
        return Task.CompletedTask;
    }
}
