using System.Buffers;
using System.Text;
using MicroHosting.Broker;

namespace MicroHosting.Tests.Broker;

public sealed class GoMicroEnvelopeTests
{
    [Fact]
    public void Write_HeadersAndBody_MatchesGoEncodingJsonByteForByte()
    {
        var headers = new Dictionary<string, string>
        {
            ["uni"] = "é\u2028",
            ["b"] = "x<y>&z",
            [":topic"] = "t",
            ["ctl"] = "a\u0001\n\"\\",
            ["Content-Type"] = "application/json",
        };

        var json = Encoding.UTF8.GetString(GoMicroEnvelope.Write(headers, [1, 2, 3]));

        // What Go's json.Marshal(broker.Message{...}) writes: keys sorted by bytes, HTML characters and U+2028 escaped.
        Assert.Equal(
            "{\"Header\":{\":topic\":\"t\",\"Content-Type\":\"application/json\",\"b\":\"x\\u003cy\\u003e\\u0026z\",\"ctl\":\"a\\u0001\\n\\\"\\\\\",\"uni\":\"é\\u2028\"},\"Body\":\"AQID\"}",
            json);
    }

    [Fact]
    public void Write_KeysAboveU10000_SortedByUtf8BytesAsGoDoes()
    {
        // UTF-16 ordinal order puts the surrogate pair of U+1F600 before U+FF21; Go's byte order puts it after.
        var headers = new Dictionary<string, string> { ["\U0001F600"] = "emoji", ["\uFF21"] = "fullwidth", ["z"] = "ascii" };

        var json = Encoding.UTF8.GetString(GoMicroEnvelope.Write(headers, []));

        Assert.Equal("{\"Header\":{\"z\":\"ascii\",\"\uFF21\":\"fullwidth\",\"\U0001F600\":\"emoji\"},\"Body\":\"\"}", json);
    }

    [Fact]
    public void Write_IntoBufferWriterWithLongValue_SameBytesAsGoWrites()
    {
        // A value longer than the stack buffer for one string, escapes included, into a writer that already holds bytes.
        var value = new string('\u00e9', 300) + "<&>" + new string('x', 600);
        KeyValuePair<string, string>[] headers = [new("long", value), new("a", "1")];
        var output = new ArrayBufferWriter<byte>(1);
        output.Write("prefix"u8);

        GoMicroEnvelope.Write(output, headers, "hi"u8);

        var expected = "prefix{\"Header\":{\"a\":\"1\",\"long\":\"" + new string('\u00e9', 300) + "\\u003c\\u0026\\u003e" + new string('x', 600) + "\"},\"Body\":\"aGk=\"}";
        Assert.Equal(expected, Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal("long", headers[0].Key);
    }

    [Fact]
    public void Write_EmptyBody_WritesEmptyString()
    {
        var json = Encoding.UTF8.GetString(GoMicroEnvelope.Write(new Dictionary<string, string>(), []));
        Assert.Equal("{\"Header\":{},\"Body\":\"\"}", json);
    }

    [Fact]
    public void TryRead_WrittenEnvelope_RoundTrips()
    {
        var headers = new Dictionary<string, string> { [":topic"] = "orders", ["k"] = "v<>" };
        var bytes = GoMicroEnvelope.Write(headers, "payload"u8);

        Assert.True(GoMicroEnvelope.TryRead(bytes, out var read, out var body, out var error), error);
        Assert.Equal(headers, read!.ToDictionary());
        Assert.Equal("payload"u8.ToArray(), body);
    }

    [Fact]
    public void TryRead_LowerCaseFieldsAndUnknownFields_AcceptedLikeGo()
    {
        Assert.True(GoMicroEnvelope.TryRead("{\"header\":{\":topic\":\"t\"},\"body\":\"AQ==\",\"extra\":[1,{}]}"u8, out var headers, out var body, out _));
        Assert.Equal([new(":topic", "t")], headers!);
        Assert.Equal([1], body);
    }

    [Fact]
    public void TryRead_KeyGivenTwiceAndManyKeys_LastValueWinsInWireOrder()
    {
        // Go's json.Unmarshal into a map keeps a repeated key's last value; more keys than the first scratch array holds.
        var extra = string.Concat(Enumerable.Range(0, 20).Select(i => $",\"k{i}\":\"{i}\""));
        var json = "{\"Header\":{\"Content-Type\":\"a\",\"Micro-Id\":\"1\"" + extra + ",\"Content-Type\":\"b\"},\"Body\":\"\"}";

        Assert.True(GoMicroEnvelope.TryRead(Encoding.UTF8.GetBytes(json), out var headers, out _, out var error), error);

        Assert.Equal(22, headers!.Length);
        Assert.Equal(new KeyValuePair<string, string>("Content-Type", "b"), headers[0]);
        Assert.Equal(new KeyValuePair<string, string>("k19", "19"), headers[^1]);
    }

    [Fact]
    public void TryRead_NullHeaderAndBody_GivesNulls()
    {
        Assert.True(GoMicroEnvelope.TryRead("{\"Header\":null,\"Body\":null}"u8, out var headers, out var body, out _));
        Assert.Null(headers);
        Assert.Null(body);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[1,2]")]
    [InlineData("{\"Header\":{\"a\":1}}")]
    [InlineData("{\"Header\":[]}")]
    [InlineData("{\"Body\":42}")]
    [InlineData("{\"Body\":\"%%%\"}")]
    [InlineData("{\"Header\":{}} trailing")]
    [InlineData("{\"Header\":{\"a\":\"b\"")]
    public void TryRead_Malformed_ReturnsFalseWithReason(string json)
    {
        Assert.False(GoMicroEnvelope.TryRead(Encoding.UTF8.GetBytes(json), out _, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }
}
