using MicroHosting.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orders;

namespace MicroHosting.Testing.Tests;

/// <summary>Fault injection on fake nodes, as a user's test makes a downstream misbehave.</summary>
public sealed class MicroTestNodeTests : IAsyncLifetime
{
    private readonly MicroTestNetwork _network = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _network.DisposeAsync();

    [Fact]
    public async Task RefuseConnections_OneOfTwoNodes_EveryCallIsServedByTheOther()
    {
        var a = await AddBillingAsync("a");
        var b = await AddBillingAsync("b");
        a.RefuseConnections();

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal("b", (await _network.Client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(i))).Receipt);
        }

        Assert.Equal(10, b.Requests);
    }

    [Fact]
    public async Task RefuseConnections_OneOfTwoStreamingNodes_EveryStreamOpensOnTheOther()
    {
        var a = await AddShippingAsync("a");
        var b = await AddShippingAsync("b");
        a.RefuseConnections();

        for (var i = 0; i < 5; i++)
        {
            var update = await _network.Client.ServerStreamAsync<TrackRequest, TrackingUpdate>("shipping", "Shipping.Track", new TrackRequest("box")).SingleAsync();
            Assert.Equal(new TrackingUpdate("box", "b"), update);
        }

        Assert.Equal(5, b.Requests);
    }

    [Fact]
    public async Task FailWith_OnlyStreamingNode_OpeningFailsWithThatErrorAndHealRestoresIt()
    {
        var node = await AddShippingAsync("a");
        node.FailWith(new MicroException("shipping", 503, "maintenance"));

        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _network.Client.ClientStreamAsync<TrackRequest, TrackingUpdate>(
            "shipping", "Shipping.Last", Items("box"), new MicroCallOptions { Retries = 0 }));
        node.Heal();
        var last = await _network.Client.ClientStreamAsync<TrackRequest, TrackingUpdate>("shipping", "Shipping.Last", Items("box", "bag"));

        Assert.Equal(503, error.Code);
        Assert.Equal("maintenance", error.Detail);
        Assert.Equal(new TrackingUpdate("bag", "a"), last);
        Assert.Equal(2, node.Requests);
    }

    [Fact]
    public async Task FailWith_OnlyNode_CallerGetsThatErrorAndHealRestoresService()
    {
        var node = await AddBillingAsync("a");
        node.FailWith(new MicroException("billing", 503, "maintenance"));

        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _network.Client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(1), new MicroCallOptions { Retries = 0 }));
        node.Heal();
        var reply = await _network.Client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(1));

        Assert.Equal(503, error.Code);
        Assert.Equal("maintenance", error.Detail);
        Assert.Equal("a", reply.Receipt);
    }

    [Fact]
    public async Task Hang_OnlyNode_CallTimesOutWith408()
    {
        // The client's deadline on a fake clock, moved only once the request reached the node: on the real clock a loaded
        // machine could spend the whole timeout before the request got there (0 requests).
        var time = new FakeTimeProvider();
        await using var network = new MicroTestNetwork(time);
        var node = await network.AddFakeServiceAsync("billing", app => app.MapMicroHandler("Billing.Charge", (ChargeRequest r) => new ChargeReply("a")));
        node.Hang();
        await using var services = network.CreateClientServices(s => s.AddSingleton<TimeProvider>(time));

        var call = services.GetRequiredService<IMicroClient>().CallAsync<ChargeRequest, ChargeReply>(
            "billing", "Billing.Charge", new ChargeRequest(1), new MicroCallOptions { Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 });
        await WaitUntilAsync(() => node.Requests == 1);
        time.Advance(TimeSpan.FromMilliseconds(199));
        var early = call.IsCompleted;
        time.Advance(TimeSpan.FromMilliseconds(1));
        var error = await Assert.ThrowsAnyAsync<MicroException>(() => call.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.False(early);
        Assert.Equal(408, error.Code);
        Assert.Equal(1, node.Requests);
    }

    [Fact]
    public async Task RespondAfter_FakeTimeProvider_ReplyWaitsForTheClockToAdvance()
    {
        var time = new FakeTimeProvider();
        await using var network = new MicroTestNetwork(time);
        var node = await network.AddFakeServiceAsync("billing", app => app.MapMicroHandler("Billing.Charge", (ChargeRequest r) => new ChargeReply("slow")));
        node.RespondAfter(TimeSpan.FromSeconds(3));

        var call = network.Client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(1), new MicroCallOptions { Timeout = TimeSpan.FromMinutes(5) });
        await WaitUntilAsync(() => node.Requests == 1);
        time.Advance(TimeSpan.FromSeconds(2));
        var early = call.IsCompleted;
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.False(early);
        Assert.Equal("slow", (await call.WaitAsync(TimeSpan.FromSeconds(30))).Receipt);
    }

    [Fact]
    public async Task CallAsync_StoppedFake_FailsAsAnUnreachableService()
    {
        var error = await Assert.ThrowsAnyAsync<MicroException>(() => _network.Client.CallAsync<ChargeRequest, ChargeReply>("billing", "Billing.Charge", new ChargeRequest(1)));

        Assert.IsType<MicroNodeNotFoundException>(error);
    }

    [Fact]
    public async Task FailWith_NonErrorStatus_ThrowsSayingWhatToUse()
    {
        var node = await AddBillingAsync("x");

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => node.FailWith(new MicroException("x", 200, "ok")));

        Assert.Contains("400 to 599", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A fake "shipping" node whose streams answer with its <paramref name="status"/>.</summary>
    private Task<MicroTestNode> AddShippingAsync(string status)
        => _network.AddFakeServiceAsync("shipping", app =>
        {
            app.MapMicroHandler("Shipping.Track", (TrackRequest r) => new[] { new TrackingUpdate(r.Item, status) }.ToAsyncEnumerable());
            app.MapMicroHandler("Shipping.Last", async (IAsyncEnumerable<TrackRequest> requests) => new TrackingUpdate((await requests.LastAsync()).Item, status));
        });

    private static async IAsyncEnumerable<TrackRequest> Items(params string[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return new TrackRequest(item);
        }
    }

    private Task<MicroTestNode> AddBillingAsync(string receipt)
        => _network.AddFakeServiceAsync("billing", app => app.MapMicroHandler("Billing.Charge", (ChargeRequest r) => new ChargeReply(receipt)));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
