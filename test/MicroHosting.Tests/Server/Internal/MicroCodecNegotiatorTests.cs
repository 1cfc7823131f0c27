using MicroHosting.Codecs;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Tests.Server.Internal;

public sealed class MicroCodecNegotiatorTests
{
    private readonly MicroCodecNegotiator _negotiator = new(new MicroCodecRegistry([new JsonMicroCodec(), new ProtobufMicroCodec(), new BytesMicroCodec()]));

    [Theory]
    [InlineData(false, MicroContentTypes.Json)]
    [InlineData(true, MicroContentTypes.Protobuf)]
    public void ForRequest_NoContentType_JsonForNativeProtobufForGoMicro(bool goMicro, string expected)
    {
        var context = new DefaultHttpContext();

        Assert.Equal(expected, _negotiator.ForRequest(context.Request, goMicro ? MicroWire.GoMicro : MicroWire.Native)!.ContentType);
    }

    [Fact]
    public void ForRequest_ContentTypeInQuery_UsedForWebSocketUpgrades()
    {
        var context = new DefaultHttpContext();
        context.Request.QueryString = new QueryString("?content-type=application/protobuf");

        Assert.Equal(MicroContentTypes.Protobuf, _negotiator.ForRequest(context.Request, MicroWire.Native)!.ContentType);
    }

    [Fact]
    public void ForRequest_UnknownContentType_Null()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "text/csv";

        Assert.Null(_negotiator.ForRequest(context.Request, MicroWire.Native));
    }

    [Fact]
    public void ForResponse_AcceptListsACodecThatCannotWriteTheType_SkipsToTheNextOne()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Accept = "application/protobuf, application/octet-stream, application/json";
        var json = _negotiator.Codecs.Codecs.OfType<JsonMicroCodec>().Single();

        var codec = _negotiator.ForResponse(context.Request, MicroWire.Native, json, typeof(byte[]));

        Assert.Equal(MicroContentTypes.OctetStream, codec.ContentType);
    }

    [Fact]
    public void ForResponse_RequestCodecCannotWriteTheReply_FallsBackToJson()
    {
        var context = new DefaultHttpContext();
        var bytes = _negotiator.Codecs.Codecs.OfType<BytesMicroCodec>().Single();

        var codec = _negotiator.ForResponse(context.Request, MicroWire.Native, bytes, typeof(HelloReply));

        Assert.Equal(MicroContentTypes.Json, codec.ContentType);
    }

    [Theory]
    [InlineData(typeof(byte[]), MicroContentTypes.OctetStream)]
    [InlineData(typeof(HelloReply), MicroContentTypes.Json)]
    public void ForResponse_AcceptIsTheRequestContentType_RequestCodecWhenItCanWriteTheReply(Type responseType, string expected)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = MicroContentTypes.OctetStream;
        context.Request.Headers.Accept = MicroContentTypes.OctetStream;
        var bytes = _negotiator.Codecs.Codecs.OfType<BytesMicroCodec>().Single();

        var codec = _negotiator.ForResponse(context.Request, MicroWire.Native, bytes, responseType);

        Assert.Equal(expected, codec.ContentType);
    }

    [Fact]
    public void SupportedFor_PlainType_ListsTheCodecsThatCarryIt()
    {
        Assert.Equal(MicroContentTypes.Json, _negotiator.SupportedFor(typeof(HelloRequest)));
    }
}
