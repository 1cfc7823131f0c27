using System.Runtime.CompilerServices;
using MicroHosting.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Orders;

namespace MicroHosting.Testing.Tests;

/// <summary>
/// Streams through the kit as unary calls go: the app's server, client and bidirectional stream handlers opened by the
/// kit's client, and a fake downstream that serves a stream to the app, all in memory over WebSockets.
/// </summary>
public sealed class OrdersStreamTests : IAsyncLifetime
{
    private const string WarmUp = "warm-up";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
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
    public async Task ServerStreamAsync_AppRelaysAFakeDownstreamStream_EveryUpdateArrivesInOrder()
    {
        var shipping = await _network.AddFakeServiceAsync("shipping", app => app.MapMicroHandler("Shipping.Track", (TrackRequest r) => Statuses(r.Item, "packed", "sent", "delivered")));
        var orders = _factory.GetMicroNode();
        List<TrackingUpdate> updates = [];

        await foreach (var update in _factory.CreateMicroClient().ServerStreamAsync<TrackRequest, TrackingUpdate>("orders", "Orders.Track", new TrackRequest("book")))
        {
            updates.Add(update);
        }

        Assert.Equal([new("book", "packed"), new("book", "sent"), new("book", "delivered")], updates);
        Assert.Equal(1, orders.Requests);
        Assert.Equal(1, shipping.Requests);
    }

    [Fact]
    public async Task ClientStreamAsync_App_TotalsEveryOrderSent()
    {
        var total = await _factory.CreateMicroClient().ClientStreamAsync<PlaceOrder, BatchTotal>("orders", "Orders.Total", Orders(("pen", 150), ("ink", 250), ("pad", 600)));

        Assert.Equal(new BatchTotal(3, 1000), total);
        Assert.Equal(1, _factory.GetMicroNode().Requests);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_App_AnswersEachOrderBeforeTheNextIsSent()
    {
        using var timeout = new CancellationTokenSource(Bound);
        await using var running = await _factory.CreateMicroClient().OpenDuplexStreamAsync<PlaceOrder, BatchTotal>("orders", "Orders.Running", cancellationToken: timeout.Token);
        await using var replies = running.ReadAllAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        // Each reply is read before the next order is sent: both directions are open at once.
        List<BatchTotal> totals = [];
        foreach (var cents in new[] { 100, 20, 3 })
        {
            await running.SendAsync(new PlaceOrder("item", cents), timeout.Token);
            Assert.True(await replies.MoveNextAsync());
            totals.Add(replies.Current);
        }

        await running.CompleteAsync(timeout.Token);

        Assert.False(await replies.MoveNextAsync());
        Assert.Equal([new(1, 100), new(2, 120), new(3, 123)], totals);
        Assert.Equal(_factory.GetMicroNode().Address, running.Node.HostPort);
    }

    [Fact]
    public async Task CreateClient_GeneratedContractClient_OpensServerAndClientStreams()
    {
        await _network.AddFakeServiceAsync("shipping", app => app.MapMicroHandler("Shipping.Track", (TrackRequest r) => Statuses(r.Item, "packed", "sent")));
        _ = _factory.GetMicroNode();
        var orders = _network.CreateClient<IOrderStreams>("orders");

        var updates = await orders.TrackAsync(new TrackRequest("mug")).ToListAsync();
        var total = await orders.TotalAsync(Orders(("a", 1), ("b", 2)));

        Assert.Equal([new("mug", "packed"), new("mug", "sent")], updates);
        Assert.Equal(new BatchTotal(2, 3), total);
        Assert.Equal(2, _factory.GetMicroNode().Requests);
    }

    [Fact]
    public async Task ServerStreamAsync_CallerStopsReading_TheStreamingHandlerIsCancelled()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _network.AddFakeServiceAsync("shipping", app => app.MapMicroHandler("Shipping.Track", (TrackRequest r, CancellationToken token) => Endless(r.Item, cancelled, token)));
        var received = 0;

        await foreach (var update in _network.Client.ServerStreamAsync<TrackRequest, TrackingUpdate>("shipping", "Shipping.Track", new TrackRequest("lamp")))
        {
            if (++received == 3)
            {
                break; // disposes the stream: the connection closes, as a caller that went away
            }
        }

        await cancelled.Task.WaitAsync(Bound);
        Assert.Equal(3, received);
    }

    [Fact]
    public async Task ServerStreamAsync_DeadlinePasses_CallerGets408AndTheHandlerIsCancelled()
    {
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _network.AddFakeServiceAsync("shipping", app => app.MapMicroHandler("Shipping.Track", (TrackRequest r, CancellationToken token) => FirstThenWait(r.Item, cancelled, token)));
        List<TrackingUpdate> updates = [];
        using var bound = new CancellationTokenSource(Bound);

        // A first stream without a deadline warms the path up, so a loaded machine cannot spend the deadline on opening.
        Assert.Single(await _network.Client.ServerStreamAsync<TrackRequest, TrackingUpdate>("shipping", "Shipping.Track", new TrackRequest(WarmUp)).ToListAsync(bound.Token));

        // The deadline covers the whole stream: the first update arrives, then neither end waits past it.
        var error = await Assert.ThrowsAnyAsync<MicroException>(async () =>
        {
            var options = new MicroCallOptions { Timeout = TimeSpan.FromSeconds(3) };
            await foreach (var update in _network.Client.ServerStreamAsync<TrackRequest, TrackingUpdate>("shipping", "Shipping.Track", new TrackRequest("desk"), options).WithCancellation(bound.Token))
            {
                updates.Add(update);
            }
        });

        await cancelled.Task.WaitAsync(Bound);
        Assert.Equal(408, error.Code);
        Assert.Equal([new("desk", "packed")], updates);
    }

    [Fact]
    public async Task ServerStreamAsync_DownstreamStreamFails_CallerGetsTheDownstreamError()
    {
        var shipping = await _network.AddFakeServiceAsync("shipping", app => app.MapMicroHandler("Shipping.Track", (TrackRequest r) => Statuses(r.Item, "packed")));
        shipping.FailWith(new MicroException("shipping", 503, "shipping is down"));

        var error = await Assert.ThrowsAnyAsync<MicroException>(async () =>
        {
            await foreach (var update in _factory.CreateMicroClient().ServerStreamAsync<TrackRequest, TrackingUpdate>("orders", "Orders.Track", new TrackRequest("cup")))
            {
                Assert.Fail($"no update expected, got {update}");
            }
        });

        Assert.Contains("shipping is down", error.Detail, StringComparison.Ordinal);
        Assert.True(shipping.Requests >= 1);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_UnaryEndpoint_CallerGetsTheAppsRefusalWithItsErrorJson()
    {
        // The app refuses the upgrade with an HTTP error (not a WebSocket): its status and error JSON reach the caller.
        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _factory.CreateMicroClient().OpenDuplexStreamAsync<PlaceOrder, BatchTotal>("orders", "Orders.Place"));

        Assert.Equal(405, error.Code);
        Assert.Contains("Orders.Place", error.Detail, StringComparison.Ordinal);
    }

    private static async IAsyncEnumerable<TrackingUpdate> Statuses(string item, params string[] statuses)
    {
        foreach (var status in statuses)
        {
            await Task.Yield();
            yield return new TrackingUpdate(item, status);
        }
    }

    private static async IAsyncEnumerable<TrackingUpdate> Endless(string item, TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        for (var i = 0; ; i++)
        {
            await Task.Yield();
            yield return new TrackingUpdate(item, $"update {i}");
        }
    }

    private static async IAsyncEnumerable<TrackingUpdate> FirstThenWait(string item, TaskCompletionSource cancelled, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return new TrackingUpdate(item, "packed");
        if (item == WarmUp)
        {
            yield break;
        }

        using var registration = cancellationToken.Register(() => cancelled.TrySetResult());
        await Task.Delay(Timeout.Infinite, cancellationToken);
        yield return new TrackingUpdate(item, "never");
    }

    private static async IAsyncEnumerable<PlaceOrder> Orders(params (string Item, int Cents)[] orders)
    {
        foreach (var (item, cents) in orders)
        {
            await Task.Yield();
            yield return new PlaceOrder(item, cents);
        }
    }
}
