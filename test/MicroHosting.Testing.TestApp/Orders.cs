using System.Runtime.CompilerServices;
using MicroHosting;
using MicroHosting.Broker;
using MicroHosting.Client;

namespace Orders;

public sealed record PlaceOrder(string Item, int Cents);

public sealed record OrderPlaced(string Item, string Receipt);

public sealed record ChargeRequest(int Cents);

public sealed record ChargeReply(string Receipt);

public sealed record Shipment(string Item);

public sealed record TrackRequest(string Item);

public sealed record TrackingUpdate(string Item, string Status);

public sealed record BatchTotal(int Orders, int Cents);

/// <summary>The streams of "orders" as a contract: the service implements it, callers get a generated client.</summary>
[MicroContract("Orders")]
public interface IOrderStreams
{
    IAsyncEnumerable<TrackingUpdate> TrackAsync(TrackRequest request, CancellationToken cancellationToken = default);

    Task<BatchTotal> TotalAsync(IAsyncEnumerable<PlaceOrder> orders, CancellationToken cancellationToken = default);

    // Bidirectional streams are not in C# contracts (MICRO001); Orders.Running is mapped from the class.
}

/// <summary>
/// Orders.Place charges "billing", publishes orders.placed and answers with the receipt. The streams: Orders.Track
/// (server) relays the "shipping" service's Shipping.Track stream, Orders.Total (client) totals a batch of orders and
/// Orders.Running (bidirectional) answers each order with the running total (<see cref="IOrderStreams"/>).
/// </summary>
public sealed class Orders(IMicroClient client, IMicroPublisher publisher) : IOrderStreams
{
    public async Task<OrderPlaced> Place(PlaceOrder order, MicroContext context, CancellationToken cancellationToken)
    {
        var charge = await client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(order.Cents), cancellationToken: cancellationToken);
        var placed = new OrderPlaced(order.Item, charge.Receipt);
        await publisher.PublishAsync("orders.placed", placed, new MicroPublishOptions { Metadata = { ["X-Order-Item"] = order.Item } }, cancellationToken);
        return placed;
    }

    public async IAsyncEnumerable<TrackingUpdate> TrackAsync(TrackRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in client.ServerStreamAsync<TrackRequest, TrackingUpdate>("shipping", "Shipping.Track", request, cancellationToken: cancellationToken))
        {
            yield return update;
        }
    }

    public async Task<BatchTotal> TotalAsync(IAsyncEnumerable<PlaceOrder> orders, CancellationToken cancellationToken)
    {
        var total = new BatchTotal(0, 0);
        await foreach (var order in orders.WithCancellation(cancellationToken))
        {
            total = new BatchTotal(total.Orders + 1, total.Cents + order.Cents);
        }

        return total;
    }

    public async IAsyncEnumerable<BatchTotal> Running(IAsyncEnumerable<PlaceOrder> orders, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var total = new BatchTotal(0, 0);
        await foreach (var order in orders.WithCancellation(cancellationToken))
        {
            total = new BatchTotal(total.Orders + 1, total.Cents + order.Cents);
            yield return total;
        }
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
