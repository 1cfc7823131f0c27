using MicroHosting.Broker;

namespace MicroHosting.Tests.Broker;

public sealed class BrokerMessageTests
{
    [Fact]
    public void Constructor_Headers_CopiedInOrderWithCaseSensitiveKeys()
    {
        var source = new Dictionary<string, string> { ["Content-Type"] = "application/json", ["Micro-Topic"] = "t", ["x-a"] = "1" };
        var message = new BrokerMessage(source, "b"u8.ToArray());
        source["Micro-Topic"] = "changed";

        Assert.Equal(["Content-Type", "Micro-Topic", "x-a"], message.Headers.Keys);
        Assert.Equal("t", message.Headers["Micro-Topic"]);
        Assert.True(message.Headers.TryGetValue("x-a", out var value));
        Assert.Equal("1", value);
        Assert.False(message.Headers.ContainsKey("X-A"));
        Assert.Equal(3, message.Headers.Count);
        Assert.Throws<KeyNotFoundException>(() => message.Headers["missing"]);
    }

    [Fact]
    public void GetHeader_OtherCase_FoundAfterExactName()
    {
        var message = new BrokerMessage([new("content-type", "text/plain")], ReadOnlyMemory<byte>.Empty);

        Assert.Equal("text/plain", message.GetHeader("Content-Type"));
        Assert.Null(message.GetHeader("Micro-Id"));
    }

    [Fact]
    public void GetHeader_ExactAndOtherCasePresent_ExactNameWins()
    {
        var message = new BrokerMessage([new("content-type", "text/plain"), new("Content-Type", "application/json")], ReadOnlyMemory<byte>.Empty);

        Assert.Equal("application/json", message.GetHeader("Content-Type"));
        Assert.Equal("text/plain", message.GetHeader("content-type"));
        Assert.Equal("text/plain", message.GetHeader("CONTENT-TYPE"));
        Assert.Same(message.Headers, message.Headers);
    }

    [Fact]
    public void Constructor_SameKeyTwice_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => new BrokerMessage([new("k", "1"), new("k", "2")], ReadOnlyMemory<byte>.Empty));

        Assert.Equal("headers", error.ParamName);
    }

    [Fact]
    public void Constructor_NullHeaders_Empty()
    {
        var message = new BrokerMessage(null, ReadOnlyMemory<byte>.Empty);

        Assert.Empty(message.Headers);
        Assert.Null(message.GetHeader("Content-Type"));
    }

    [Fact]
    public void FromOwnedHeaders_EnvelopeRead_MessageOverTheArrayAndWrittenBackTheSame()
    {
        var envelope = GoMicroEnvelope.Write(new Dictionary<string, string> { ["Micro-Topic"] = "orders", ["Content-Type"] = "application/json" }, "{}"u8);
        Assert.True(GoMicroEnvelope.TryRead(envelope, out var headers, out var body, out var error), error);

        var message = BrokerMessage.FromOwnedHeaders(headers!, body, deliveryCount: 3);

        Assert.Equal("orders", message.Headers["Micro-Topic"]);
        Assert.Equal(3, message.DeliveryCount);
        Assert.Equal(headers, message.HeaderItems.ToArray());
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        GoMicroEnvelope.Write(output, message.HeaderItems, message.Body.Span);
        Assert.Equal(envelope, output.WrittenSpan.ToArray());
    }
}
