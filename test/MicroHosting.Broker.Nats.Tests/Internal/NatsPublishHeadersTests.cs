using MicroHosting.Broker.Nats.Internal;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Tests.Internal;

/// <summary>
/// The reused <see cref="NatsHeaders"/> of a Headers-format publish: one publish's headers never show up in another's.
/// Everything here runs on one thread, as the pool is per thread.
/// </summary>
public sealed class NatsPublishHeadersTests
{
    [Fact]
    public void Rent_AfterReturn_SameInstanceCarryingOnlyTheNextMessagesHeaders()
    {
        var first = NatsPublishHeaders.Rent(Message(("Content-Type", "text/plain"), ("Micro-Id", "1"), ("Only-First", "x")), NatsMessageFormat.Headers)!;

        // As NATS.Net does when something listens to its activity source: its trace context written into our instance.
        first["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        NatsPublishHeaders.Return(first);
        var second = NatsPublishHeaders.Rent(Message(("Content-Type", "application/json"), ("Micro-Id", "2")), NatsMessageFormat.Headers)!;

        Assert.Same(first, second);
        Assert.Equal(
            [new("Content-Type", "application/json"), new("Micro-Id", "2")],
            second.Select(h => new KeyValuePair<string, string>(h.Key, h.Value.ToString())).OrderBy(h => h.Key, StringComparer.Ordinal));
        NatsPublishHeaders.Return(second);
    }

    [Fact]
    public void Rent_WhileAnotherPublishHoldsTheHeaders_NewInstanceAndTheHeldOneUntouched()
    {
        var held = NatsPublishHeaders.Rent(Message(("Micro-Id", "held")), NatsMessageFormat.Headers)!;
        var next = NatsPublishHeaders.Rent(Message(("Micro-Id", "next"), ("Extra", "y")), NatsMessageFormat.Headers)!;

        Assert.NotSame(held, next);
        Assert.Equal("held", held["Micro-Id"].ToString());
        Assert.Single(held);
        NatsPublishHeaders.Return(next);
        NatsPublishHeaders.Return(held);
    }

    [Fact]
    public void Rent_GoMicroFormatOrNoHeaders_NoHeaderBlock()
    {
        Assert.Null(NatsPublishHeaders.Rent(Message(("Micro-Id", "1")), NatsMessageFormat.GoMicro));
        Assert.Null(NatsPublishHeaders.Rent(new BrokerMessage(null, "x"u8.ToArray()), NatsMessageFormat.Headers));
        NatsPublishHeaders.Return(null);
    }

    private static BrokerMessage Message(params (string Key, string Value)[] headers)
        => new(headers.Select(h => new KeyValuePair<string, string>(h.Key, h.Value)), "body"u8.ToArray());
}
