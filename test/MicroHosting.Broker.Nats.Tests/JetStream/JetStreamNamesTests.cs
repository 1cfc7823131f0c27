using MicroHosting.Broker.Nats.Internal;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

public sealed class JetStreamNamesTests
{
    [Theory]
    [InlineData("orders.>", "orders.placed", true)]
    [InlineData("orders.>", "orders.eu.placed", true)]
    [InlineData("orders.>", "orders", false)]
    [InlineData("orders.*", "orders.placed", true)]
    [InlineData("orders.*", "orders.*", true)]
    [InlineData("orders.*", "orders.>", false)]
    [InlineData("orders.*", "orders.eu.placed", false)]
    [InlineData("orders.placed", "orders.placed", true)]
    [InlineData("orders.placed", "orders.*", false)]
    [InlineData("orders.placed", "orders.shipped", false)]
    [InlineData(">", "anything.at.all", true)]
    [InlineData("micro.deadletter.>", "micro.deadletter.orders", true)]
    public void Covers_StreamSubjectAndTopic_MatchesLikeNats(string filter, string subject, bool covered)
        => Assert.Equal(covered, JetStreamNames.Covers(filter, subject));

    [Fact]
    public void Consumer_QueueGroup_SharedNameFromQueueAndTopic()
        => Assert.Equal("billing_invoices", JetStreamNames.Consumer("invoices", "billing", "node-a"));

    [Fact]
    public void Consumer_Broadcast_NamedAfterTheInstance()
        => Assert.Equal("node-a_invoices", JetStreamNames.Consumer("invoices", null, "node-a"));

    [Fact]
    public void Consumer_DotsAndWildcards_ReplacedAndDisambiguatedByHash()
    {
        var dotted = JetStreamNames.Consumer("shop.orders.*", "billing", "node-a");
        var underscored = JetStreamNames.Consumer("shop_orders__", "billing", "node-a");

        Assert.StartsWith("billing_shop_orders__", dotted, StringComparison.Ordinal);
        Assert.DoesNotContain('.', dotted);
        Assert.DoesNotContain('*', dotted);
        Assert.NotEqual(dotted, underscored);
        Assert.Equal(dotted, JetStreamNames.Consumer("shop.orders.*", "billing", "node-a"));
    }

    [Fact]
    public void Consumer_VeryLongTopic_NameStaysWithinLimits()
        => Assert.True(JetStreamNames.Consumer(new string('x', 500), "q", "i").Length <= 209);
}
