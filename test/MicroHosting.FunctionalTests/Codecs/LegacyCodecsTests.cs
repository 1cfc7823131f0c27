using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;
using Google.Protobuf;
using MicroHosting.Codecs;
using MicroHosting.TestUtilities;
using MicroHosting.Tests.Protos;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Tests.Codecs;

/// <summary>Go Micro's legacy envelopes, <c>application/json-rpc</c> and <c>application/proto-rpc</c>, as Go's codecs write and read them.</summary>
public sealed class LegacyCodecsTests
{
    [Fact]
    public void JsonRpc_GoRequest_DecodesParamsAndEncodesResult()
    {
        var codec = new JsonRpcMicroCodec(new JsonMicroCodec());

        // What Go's jsonrpc client codec writes (json.Encoder: a trailing newline).
        var request = codec.Decode<HelloRequest>(new ReadOnlySequence<byte>("{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"Go\"}],\"id\":\"7\"}\n"u8.ToArray()));
        var output = new ArrayBufferWriter<byte>();
        codec.Encode(output, new HelloReply("Hi"));

        Assert.Equal("Go", request.Name);
        Assert.Equal("{\"id\":null,\"result\":{\"message\":\"Hi\"},\"error\":null}\n", Encoding.UTF8.GetString(output.WrittenSpan));
        Assert.Equal("Hi", codec.Decode<HelloReply>(new ReadOnlySequence<byte>(output.WrittenMemory)).Message);
    }

    [Fact]
    public void JsonRpc_BareMessage_DecodedAsIs()
    {
        // A Go client forcing the content type on a raw frame (bytes.Frame skips the codec) sends the message itself.
        var codec = new JsonRpcMicroCodec(new JsonMicroCodec());

        Assert.Equal("Go", codec.Decode<HelloRequest>(new ReadOnlySequence<byte>("{\"name\":\"Go\"}"u8.ToArray())).Name);
    }

    [Fact]
    public void JsonRpc_NotAnObject_ThrowsCodecError()
    {
        var codec = new JsonRpcMicroCodec(new JsonMicroCodec());

        Assert.Throws<MicroCodecException>(() => codec.Decode<HelloRequest>(new ReadOnlySequence<byte>("[1]"u8.ToArray())));
        Assert.Throws<MicroCodecException>(() => codec.Decode<HelloRequest>(new ReadOnlySequence<byte>("{"u8.ToArray())));
    }

    [Fact]
    public void ProtoRpc_GoRequest_DecodesMessageAndEncodesReply()
    {
        var codec = new ProtoRpcMicroCodec(new ProtobufMicroCodec());
        var message = new EchoRequest { Text = "Go" }.ToByteArray();
        var envelope = new byte[] { 0x0a, 0x04, (byte)'E', (byte)'c', (byte)'h', (byte)'o', 0x11, 7, 0, 0, 0, 0, 0, 0, 0 }; // service_method "Echo", seq 7
        var body = NetString(envelope).Concat(NetString(message)).ToArray();

        var request = codec.Decode<EchoRequest>(new ReadOnlySequence<byte>(body));
        var output = new ArrayBufferWriter<byte>();
        codec.Encode(output, new EchoReply { Text = "Hi" });

        Assert.Equal("Go", request.Text);
        var reply = output.WrittenSpan.ToArray();
        Assert.Equal(0u, BinaryPrimitives.ReadUInt32BigEndian(reply)); // empty reply envelope
        Assert.Equal(NetString(new EchoReply { Text = "Hi" }.ToByteArray()), reply[4..]);
    }

    [Fact]
    public void ProtoRpc_LengthBeyondBody_ThrowsCodecError()
    {
        var codec = new ProtoRpcMicroCodec(new ProtobufMicroCodec());

        Assert.Throws<MicroCodecException>(() => codec.Decode<EchoRequest>(new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 9, 1 })));
    }

    [Fact]
    public async Task Server_LegacyRequests_AnswerInTheirEnvelopeErrorsIncluded()
    {
        await using var app = await MicroTestHost.StartAsync("greeter", a => a.MapMicroHandler("Greeter.Hello", (HelloRequest r) =>
            string.IsNullOrEmpty(r.Name) ? throw MicroException.BadRequest("greeter", "name is required") : new HelloReply("Hello " + r.Name)));
        using var http = new HttpClient { BaseAddress = app.BaseAddress() };

        using var ok = await http.SendAsync(GoRequest("{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"Go\"}],\"id\":\"1\"}"));
        using var failed = await http.SendAsync(GoRequest("{\"method\":\"Greeter.Hello\",\"params\":[{\"name\":\"\"}],\"id\":\"2\"}"));

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("{\"id\":null,\"result\":{\"message\":\"Hello Go\"},\"error\":null}\n", await ok.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
        var error = failed.Headers.GetValues("Micro-Error").Single();
        Assert.Equal(400, MicroException.Parse(error).Code);
        var body = System.Text.Json.JsonDocument.Parse(await failed.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, body.GetProperty("result").ValueKind);
    }

    private static HttpRequestMessage GoRequest(string body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json-rpc");
        request.Headers.Add("Micro-Service", "greeter");
        request.Headers.Add("Micro-Endpoint", "Greeter.Hello");
        return request;
    }

    private static byte[] NetString(byte[] data)
    {
        var result = new byte[4 + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(result, (uint)data.Length);
        data.CopyTo(result, 4);
        return result;
    }
}
