using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Google.Protobuf;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Tests.Server;

/// <summary>The native route, POST /Type/Method: codecs, negotiation, deadlines, and every kind of bad input.</summary>
public sealed class MicroHandlerTests : IAsyncLifetime
{
    private readonly TaskCompletionSource _slowCancelled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private WebApplication _app = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _app = await MicroTestHost.StartAsync(
            "greeter",
            app =>
            {
                app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply("Hello " + r.Name));
                app.MapMicroHandler("Echo.Call", (EchoRequest r) => new EchoReply { Text = r.Text, Number = r.Number });
                app.MapMicroHandler("Echo.Bytes", (byte[] r) => r.Reverse().ToArray());
                app.MapMicroHandler("Fail.Crash", (HelloRequest r) => ThrowSecret());
                app.MapMicroHandler("Fail.Slow", async (HelloRequest r, MicroContext c) =>
                {
                    using var cancelled = c.CancellationToken.Register(() => _slowCancelled.TrySetResult());
                    await Task.Delay(TimeSpan.FromSeconds(30), c.CancellationToken);
                    return new HelloReply("late");
                });
                app.MapMicroHandler("Meta.Echo", (HelloRequest r, MicroContext c) =>
                    new HelloReply(string.Join(";", c.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) + "|" + c.Endpoint + "|" + c.Deadline.HasValue));
            },
            configureOptions: o => o.MaxRequestBodySize = 1024);
        _http = new HttpClient { BaseAddress = _app.BaseAddress() };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Post_Json_RepliesJson()
    {
        using var response = await _http.PostAsJsonAsync("/Greeter/Hello", new { name = "John" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("{\"message\":\"Hello John\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_Protobuf_RepliesProtobuf()
    {
        using var content = new ByteArrayContent(new EchoRequest { Text = "p", Number = 42 }.ToByteArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
        using var response = await _http.PostAsync("/Echo/Call", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/protobuf", response.Content.Headers.ContentType?.MediaType);
        var reply = EchoReply.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(("p", 42L), (reply.Text, reply.Number));
    }

    [Fact]
    public async Task Post_JsonWithAcceptProtobuf_RepliesProtobuf()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Echo/Call") { Content = Json("{\"text\":\"j\",\"number\":\"5\"}") };
        request.Headers.Accept.ParseAdd("application/protobuf");
        using var response = await _http.SendAsync(request);

        Assert.Equal("application/protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(5, EchoReply.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync()).Number);
    }

    [Fact]
    public async Task Post_OctetStream_PassesRawBytes()
    {
        using var content = new ByteArrayContent([1, 2, 3]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await _http.PostAsync("/Echo/Bytes", content);

        Assert.Equal(new byte[] { 3, 2, 1 }, await response.Content.ReadAsByteArrayAsync());
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    public async Task Post_MalformedJson_Returns400ErrorJson(string body)
    {
        using var response = await _http.PostAsync("/Greeter/Hello", Json(body));

        var error = await ReadErrorAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("greeter", error.Id);
        Assert.Equal("Bad Request", error.Status);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Post_MalformedProtobuf_Returns400ErrorJson()
    {
        using var content = new ByteArrayContent([0x0a, 0x10, 0x01]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
        using var response = await _http.PostAsync("/Echo/Call", content);

        await ReadErrorAsync(response, HttpStatusCode.BadRequest);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Post_UnknownEndpoint_Returns404ErrorJson()
    {
        using var response = await _http.PostAsync("/Greeter/Nope", Json("{}"));

        var error = await ReadErrorAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("unknown endpoint Greeter.Nope", error.Detail);
    }

    [Fact]
    public async Task Post_BodyOverLimit_Returns413()
    {
        using var response = await _http.PostAsync("/Greeter/Hello", Json("{\"name\":\"" + new string('x', 2000) + "\"}"));

        var error = await ReadErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("MaxRequestBodySize", error.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Post_ChunkedBodyOverLimit_Returns413()
    {
        using var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"name\":\"" + new string('x', 5000) + "\"}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Greeter/Hello") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await _http.SendAsync(request);

        await ReadErrorAsync(response, HttpStatusCode.RequestEntityTooLarge);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Post_UnsupportedContentType_Returns415NamingTheAlternatives()
    {
        using var content = new StringContent("<name>x</name>", Encoding.UTF8, "text/xml");
        using var response = await _http.PostAsync("/Greeter/Hello", content);

        var error = await ReadErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("text/xml", error.Detail, StringComparison.Ordinal);
        Assert.Contains("application/json", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ProtobufForPlainType_Returns415()
    {
        using var content = new ByteArrayContent([0x0a, 0x01, 0x41]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/protobuf");
        using var response = await _http.PostAsync("/Greeter/Hello", content);

        await ReadErrorAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Post_HandlerThrows_Returns500WithoutInternals()
    {
        using var response = await _http.PostAsync("/Fail/Crash", Json("{\"name\":\"x\"}"));

        var error = await ReadErrorAsync(response, HttpStatusCode.InternalServerError);
        Assert.DoesNotContain("secret", error.Detail, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", error.Detail, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Post_TimeoutHeaderPasses_CancelsHandlerAndReturns408()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Fail/Slow") { Content = Json("{\"name\":\"x\"}") };
        request.Headers.Add("Timeout", "200000000"); // 200 ms in nanoseconds
        using var response = await _http.SendAsync(request);

        await ReadErrorAsync(response, HttpStatusCode.RequestTimeout);
        await _slowCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30)); // the handler's token fired: it stopped, not just the reply
    }

    [Theory]
    [InlineData("9223372036854775807")] // 292 years: clamped to a day, not a 500
    [InlineData("18446744073709551615")]
    [InlineData("4320000000000000")] // 50 days
    public async Task Post_HugeTimeout_IsClampedAndServed(string timeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Meta/Echo") { Content = Json("{\"name\":\"x\"}") };
        request.Headers.TryAddWithoutValidation("Timeout", timeout);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("1.5")]
    [InlineData("99999999999999999999999")]
    public async Task Post_InvalidTimeout_Returns400(string timeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Meta/Echo") { Content = Json("{\"name\":\"x\"}") };
        request.Headers.TryAddWithoutValidation("Timeout", timeout);
        using var response = await _http.SendAsync(request);

        Assert.Contains("Timeout header", (await ReadErrorAsync(response, HttpStatusCode.BadRequest)).Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("99")] // under one tick
    public async Task Post_ExpiredTimeout_Returns408(string timeout)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Meta/Echo") { Content = Json("{\"name\":\"x\"}") };
        request.Headers.TryAddWithoutValidation("Timeout", timeout);
        using var response = await _http.SendAsync(request);

        await ReadErrorAsync(response, HttpStatusCode.RequestTimeout);
    }

    [Fact]
    public async Task Post_WithHeaders_MetadataExcludesTransportHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Meta/Echo") { Content = Json("{\"name\":\"x\"}") };
        request.Headers.Add("Tenant", "acme");
        request.Headers.Add("Micro-Id", "1");
        request.Headers.Add("Timeout", "5000000000");
        using var response = await _http.SendAsync(request);

        var reply = await response.Content.ReadFromJsonAsync<HelloReply>();
        Assert.Equal("Tenant=acme|Meta.Echo|True", reply!.Message);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HelloReply ThrowSecret() => throw new InvalidOperationException("secret connection string Password=hunter2");

    private static async Task<MicroException> ReadErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = MicroException.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal((int)expected, error.Code);
        return error;
    }

    private async Task AssertStillServingAsync()
    {
        using var response = await _http.PostAsJsonAsync("/Greeter/Hello", new { name = "again" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
