using System.Text;
using Google.Protobuf;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Tests.Server;

/// <summary>Requests written exactly as Go Micro's HTTP transport sends them (POST /, Micro-* headers, X- copies).</summary>
public sealed class GoMicroProtocolTests : IAsyncLifetime
{
    private WebApplication _app = null!;

    public async Task InitializeAsync()
    {
        _app = await MicroTestHost.StartAsync("echo", app =>
        {
            app.MapMicroHandler("Echo.Call", (EchoRequest r, MicroContext c) =>
            {
                if (r.Text == "fail")
                {
                    throw MicroException.Conflict("echo", "text must not be 'fail'");
                }

                return new EchoReply { Text = r.Text + "|" + c.Metadata.GetValueOrDefault("Tenant"), Number = r.Number, Tags = { r.Tags } };
            });
        });
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task Post_GoMicroProtobufRequest_RepliesLikeGoMicro()
    {
        var body = new EchoRequest { Text = "hi", Number = 7, Tags = { "a" } }.ToByteArray();
        var response = await RawHttp.SendAsync(_app.BaseAddress(), GoMicroHead("Echo.Call", "application/protobuf", body.Length, "Tenant: acme\n"), body);

        Assert.Equal(200, response.Status);
        Assert.Equal("req-1", response.Header("Micro-Id"));
        Assert.Equal("req-1", response.Header("X-Micro-Id"));
        Assert.Null(response.Header("Micro-Error"));
        Assert.Equal("application/protobuf", response.Header("Content-Type"));
        var reply = EchoReply.Parser.ParseFrom(response.Body);
        Assert.Equal("hi|acme", reply.Text);
        Assert.Equal(7, reply.Number);
        Assert.Equal(["a"], reply.Tags);
    }

    [Fact]
    public async Task Post_NoContentType_DefaultsToProtobuf()
    {
        var body = new EchoRequest { Text = "x" }.ToByteArray();
        var head = $"POST / HTTP/1.1\nHost: localhost\nMicro-Endpoint: Echo.Call\nContent-Length: {body.Length}\n";
        var response = await RawHttp.SendAsync(_app.BaseAddress(), head, body);

        Assert.Equal(200, response.Status);
        Assert.Equal("x|", EchoReply.Parser.ParseFrom(response.Body).Text);
    }

    [Theory]
    [InlineData("X-Micro-Endpoint")]
    [InlineData("Micro-Method")]
    [InlineData("X-Micro-Method")]
    public async Task Post_EndpointInAnyHeaderForm_IsRouted(string header)
    {
        var body = Encoding.UTF8.GetBytes("{\"text\":\"json\"}");
        var head = $"POST / HTTP/1.1\nHost: localhost\n{header}: Echo.Call\nContent-Type: application/json\nContent-Length: {body.Length}\n";
        var response = await RawHttp.SendAsync(_app.BaseAddress(), head, body);

        Assert.Equal(200, response.Status);
        Assert.Contains("\"text\": \"json|\"", Encoding.UTF8.GetString(response.Body), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/grpc")]
    [InlineData("application/grpc+proto")]
    public async Task Post_GrpcFramedProtobuf_RepliesFramed(string contentType)
    {
        var message = new EchoRequest { Text = "g" }.ToByteArray();
        var body = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(1), message.Length);
        message.CopyTo(body, 5);
        var response = await RawHttp.SendAsync(_app.BaseAddress(), GoMicroHead("Echo.Call", contentType, body.Length), body);

        Assert.Equal(200, response.Status);
        Assert.Equal(contentType == "application/grpc" ? "application/grpc" : "application/grpc", response.Header("Content-Type"));
        Assert.Equal(0, response.Body[0]);
        Assert.Equal("g|", EchoReply.Parser.ParseFrom(response.Body.AsSpan(5)).Text);
    }

    [Fact]
    public async Task Post_HandlerError_Returns200WithMicroErrorHeaders()
    {
        var body = new EchoRequest { Text = "fail" }.ToByteArray();
        var response = await RawHttp.SendAsync(_app.BaseAddress(), GoMicroHead("Echo.Call", "application/protobuf", body.Length), body);

        Assert.Equal(200, response.Status);
        Assert.Equal("{\"id\":\"echo\",\"code\":409,\"detail\":\"text must not be 'fail'\",\"status\":\"Conflict\"}", response.Header("Micro-Error"));
        Assert.Equal(response.Header("Micro-Error"), response.Header("X-Micro-Error"));
        Assert.Equal("req-1", response.Header("Micro-Id"));
        Assert.Empty(response.Body);
    }

    [Fact]
    public async Task Post_UnknownEndpoint_Returns200With404MicroError()
    {
        var response = await RawHttp.SendAsync(_app.BaseAddress(), GoMicroHead("Echo.Nope", "application/protobuf", 0), []);

        Assert.Equal(200, response.Status);
        var error = MicroException.Parse(response.Header("Micro-Error"));
        Assert.Equal(404, error.Code);
        Assert.Contains("Echo.Nope", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_MalformedProtobuf_Returns200With400MicroError()
    {
        byte[] garbage = [0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f];
        var response = await RawHttp.SendAsync(_app.BaseAddress(), GoMicroHead("Echo.Call", "application/protobuf", garbage.Length), garbage);

        Assert.Equal(200, response.Status);
        Assert.Equal(400, MicroException.Parse(response.Header("Micro-Error")).Code);
    }

    [Fact]
    public async Task Post_ExpiredTimeout_Returns408MicroError()
    {
        await using var app = await MicroTestHost.StartAsync("slow", a =>
            a.MapMicroHandler("Slow.Call", async (EchoRequest r, CancellationToken ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), ct);
                return new EchoReply();
            }));
        var body = new EchoRequest().ToByteArray();
        var head = GoMicroHead("Slow.Call", "application/protobuf", body.Length).Replace("Timeout: 5000000000", "Timeout: 100000000", StringComparison.Ordinal);
        var response = await RawHttp.SendAsync(app.BaseAddress(), head, body);

        Assert.Equal(200, response.Status);
        Assert.Equal(408, MicroException.Parse(response.Header("Micro-Error")).Code);
    }

    [Theory]
    [InlineData("0", 408)]
    [InlineData("9223372036854775807", 0)]
    [InlineData("abc", 400)]
    public async Task Post_TimeoutEdgeValues_Return200WithMicroErrorOrReply(string timeout, int code)
    {
        var body = new EchoRequest { Text = "hi" }.ToByteArray();
        var head = GoMicroHead("Echo.Call", "application/protobuf", body.Length).Replace("Timeout: 5000000000", "Timeout: " + timeout, StringComparison.Ordinal);

        var response = await RawHttp.SendAsync(_app.BaseAddress(), head, body);

        Assert.Equal(200, response.Status);
        if (code == 0)
        {
            Assert.Null(response.Header("Micro-Error"));
        }
        else
        {
            Assert.Equal(code, MicroException.Parse(response.Header("Micro-Error")).Code);
        }
    }

    private static string GoMicroHead(string endpoint, string contentType, int length, string extra = "") =>
        "POST / HTTP/1.1\n" +
        "Host: 127.0.0.1\n" +
        "User-Agent: Go-http-client/1.1\n" +
        $"Content-Length: {length}\n" +
        $"Accept: {contentType}\n" +
        $"Content-Type: {contentType}\n" +
        "Micro-Service: echo\n" +
        $"Micro-Endpoint: {endpoint}\n" +
        $"Micro-Method: {endpoint}\n" +
        "Micro-Id: req-1\n" +
        "X-Micro-Service: echo\n" +
        $"X-Micro-Endpoint: {endpoint}\n" +
        $"X-Micro-Method: {endpoint}\n" +
        "X-Micro-Id: req-1\n" +
        "Timeout: 5000000000\n" +
        "Accept-Encoding: gzip\n" +
        extra;
}
