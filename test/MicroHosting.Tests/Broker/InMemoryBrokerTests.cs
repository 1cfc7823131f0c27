using MicroHosting.Broker;

namespace MicroHosting.Tests.Broker;

public sealed class InMemoryBrokerTests
{
    private static readonly BrokerMessage Message = new(new Dictionary<string, string> { ["k"] = "v" }, "body"u8.ToArray());

    [Fact]
    public async Task PublishAsync_BroadcastAndQueue_AllBroadcastOneQueueMember()
    {
        var broker = new InMemoryBroker();
        var received = new List<string>();
        await broker.SubscribeAsync("t", Handler(received, "b1"));
        await broker.SubscribeAsync("t", Handler(received, "b2"));
        await broker.SubscribeAsync("t", Handler(received, "q1"), new BrokerSubscribeOptions { Queue = "q" });
        await broker.SubscribeAsync("t", Handler(received, "q2"), new BrokerSubscribeOptions { Queue = "q" });
        await broker.SubscribeAsync("other", Handler(received, "x"));

        await broker.PublishAsync("t", Message);

        Assert.Contains("b1", received);
        Assert.Contains("b2", received);
        Assert.Single(received, r => r.StartsWith('q'));
        Assert.DoesNotContain("x", received);
    }

    [Fact]
    public async Task PublishAsync_QueueMemberThrows_NextMemberGetsIt()
    {
        var broker = new InMemoryBroker();
        var received = new List<string>();
        var failed = 0;
        await broker.SubscribeAsync("t", (_, _, _) =>
        {
            Interlocked.Increment(ref failed);
            throw new InvalidOperationException("boom");
        }, new BrokerSubscribeOptions { Queue = "q" });
        await broker.SubscribeAsync("t", Handler(received, "ok"), new BrokerSubscribeOptions { Queue = "q" });

        // Members are tried in random order: over 40 messages the failing one is tried first some of the time
        // (never, with odds of 2^-40), and each of those messages still reaches the other member.
        for (var i = 0; i < 40; i++)
        {
            await broker.PublishAsync("t", Message);
        }

        Assert.Equal(40, received.Count);
        Assert.InRange(failed, 1, 40);
    }

    [Fact]
    public async Task PublishAsync_BroadcastHandlerThrows_ThrowsMicroExceptionAfterDeliveringToOthers()
    {
        var broker = new InMemoryBroker();
        var received = new List<string>();
        await broker.SubscribeAsync("t", (_, _, _) => throw new InvalidOperationException("boom"));
        await broker.SubscribeAsync("t", Handler(received, "ok"));

        var error = await Assert.ThrowsAsync<MicroException>(async () => await broker.PublishAsync("t", Message));

        Assert.Equal(500, error.Code);
        Assert.Contains("boom", error.Detail, StringComparison.Ordinal);
        Assert.Equal(["ok"], received);
    }

    [Fact]
    public async Task UnsubscribeAsync_StopsDelivery()
    {
        var broker = new InMemoryBroker();
        var received = new List<string>();
        var subscription = await broker.SubscribeAsync("t", Handler(received, "a"));
        await broker.SubscribeAsync("t", Handler(received, "stays"));
        await broker.PublishAsync("t", Message); // the control: both receive while subscribed

        await subscription.UnsubscribeAsync();
        await broker.PublishAsync("t", Message);

        Assert.Equal(["a", "stays", "stays"], received.Order());
    }

    private static BrokerHandler Handler(List<string> received, string name) => (_, message, _) =>
    {
        Assert.Equal("v", message.Headers["k"]);
        lock (received)
        {
            received.Add(name);
        }

        return ValueTask.CompletedTask;
    };
}
