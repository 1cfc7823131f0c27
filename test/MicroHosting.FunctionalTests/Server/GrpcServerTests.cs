using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using MicroHosting.Hosting;
using MicroHosting.Internal;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using ContractClient = Greeter.Contracts.Greeter.GreeterClient;
using GreeterClient = MicroHosting.Tests.Grpc.Greeter.GreeterClient;
using GreeterReply = Greeter.Contracts.HelloReply;
using GreeterRequest = Greeter.Contracts.HelloRequest;

namespace MicroHosting.Tests.Server;

/// <summary>
/// MicroHosting handlers answering gRPC over HTTP/2: a stock <c>Grpc.Net.Client</c> generated from the example's
/// greeter.proto (<c>service Greeter</c>, package <c>greeter</c>) and from a test proto of another package, and
/// Go Micro v2's gRPC client's shape (<c>application/grpc+json</c>, service name as the package) sent by hand.
/// </summary>
public sealed class GrpcServerTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly TaskCompletionSource<(TimeSpan? Remaining, bool Cancelled)> _waited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task Call_StockGrpcClientOnTheRegisteredAddress_HandlerAnswers()
    {
        await using var app = await StartAsync();
        using var channel = await ChannelToRegisteredNodeAsync();

        var reply = await new ContractClient(channel).HelloAsync(new GreeterRequest { Name = "gRPC" });

        Assert.Equal("Hello gRPC over HTTP/2", reply.Message);
    }

    [Fact]
    public async Task Call_HandlerThrowsBadRequest_InvalidArgumentWithGoMicroErrorJson()
    {
        await using var app = await StartAsync();
        using var channel = await ChannelToRegisteredNodeAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new ContractClient(channel).HelloAsync(new GreeterRequest { Name = string.Empty }));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        var error = MicroException.Parse(ex.Status.Detail);
        Assert.Equal(400, error.Code);
        Assert.Equal("name is required", error.Detail);
        Assert.Equal("greeter", error.Id);
    }

    [Fact]
    public async Task Call_UnknownMethod_UnimplementedWithNotFoundJson()
    {
        await using var app = await StartAsync();
        using var channel = await ChannelToRegisteredNodeAsync();

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new GreeterClient(channel).NopeAsync(new GreeterRequest { Name = "x" }));

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        var error = MicroException.Parse(ex.Status.Detail);
        Assert.Equal(404, error.Code);
        Assert.Equal("unknown endpoint Greeter.Nope", error.Detail);
    }

    [Fact]
    public async Task Call_Deadline_HandlerRunsUnderGrpcTimeoutAndIsCancelledWhenItPasses()
    {
        await using var app = await StartAsync();
        using var channel = await ChannelToRegisteredNodeAsync();
        var budget = TimeSpan.FromSeconds(2);

        var ex = await Assert.ThrowsAsync<RpcException>(async () => await new ContractClient(channel).HelloAsync(new GreeterRequest { Name = "wait" }, deadline: DateTime.UtcNow + budget));
        var (remaining, cancelled) = await _waited.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(StatusCode.DeadlineExceeded, ex.StatusCode);
        Assert.NotNull(remaining);
        Assert.InRange(remaining.Value, TimeSpan.Zero, budget); // the grpc-timeout header became the handler's deadline
        Assert.True(cancelled); // and the handler's token fired when it passed
    }

    [Fact]
    public async Task Call_Metadata_ReachesHandlerWithoutGrpcHeaders()
    {
        await using var app = await StartAsync();
        using var channel = await ChannelToRegisteredNodeAsync();

        var reply = await new ContractClient(channel).HelloAsync(new GreeterRequest { Name = "meta" }, new Metadata { { "X-User", "alice" } }, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal("x-user=alice", reply.Message);
    }

    [Theory]
    [InlineData("/greeter.Greeter/Hello")]
    [InlineData("/go.micro.srv.greeter.Greeter/Hello")]
    [InlineData("/Greeter/Hello")]
    public async Task Post_GoMicroGrpcJson_FramedReplyAndStatusTrailer(string path)
    {
        await using var app = await StartAsync();
        using var http = Http2Client();

        using var response = await http.SendAsync(GrpcRequest(await RegisteredUriAsync(path), "application/grpc+json", Frame("{\"name\":\"Go\"}"u8.ToArray())));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/grpc+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, body[0]);
        Assert.Equal(body.Length - 5, BinaryPrimitives.ReadInt32BigEndian(body.AsSpan(1)));
        Assert.Equal("Hello Go over HTTP/2", JsonDocument.Parse(body.AsMemory(5)).RootElement.GetProperty("message").GetString());
        Assert.Equal("0", Assert.Single(response.TrailingHeaders.GetValues("grpc-status")));
    }

    [Fact]
    public async Task Post_Error_TrailersOnlyWithPercentEncodedJson()
    {
        await using var app = await StartAsync();
        using var http = Http2Client();

        using var response = await http.SendAsync(GrpcRequest(await RegisteredUriAsync("/greeter.Greeter/Hello"), "application/grpc+json", Frame("{\"name\":\"\"}"u8.ToArray())));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(body);
        Assert.Equal("3", Assert.Single(response.Headers.GetValues("grpc-status")));
        var message = Assert.Single(response.Headers.GetValues("grpc-message"));
        Assert.Matches("^\\{\"id\":\"greeter\",\"code\":400,\"detail\":\"name is required\",\"status\":\"Bad Request\"\\}$", message);
        Assert.Empty(response.TrailingHeaders);
    }

    [Fact]
    public async Task Post_MalformedGrpcTimeout_InvalidArgument()
    {
        await using var app = await StartAsync();
        using var http = Http2Client();
        var request = GrpcRequest(await RegisteredUriAsync("/greeter.Greeter/Hello"), "application/grpc+json", Frame("{\"name\":\"x\"}"u8.ToArray()));
        request.Headers.TryAddWithoutValidation("grpc-timeout", "5seconds");

        using var response = await http.SendAsync(request);

        Assert.Equal("3", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Contains("grpc-timeout", Assert.Single(response.Headers.GetValues("grpc-message")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_StockGrpcClientWithGzip_CompressedRequestIsReadAndAnswered()
    {
        await using var app = await StartAsync();
        using var channel = await ChannelToRegisteredNodeAsync();

        // Grpc.Net.Client's per-call compression: the request message goes gzip-compressed, with grpc-encoding: gzip.
        var reply = await new ContractClient(channel).HelloAsync(
            new GreeterRequest { Name = "encoding" }, new Metadata { { "grpc-internal-encoding-request", "gzip" } }, DateTime.UtcNow.AddMinutes(1));

        Assert.Equal("grpc-encoding=gzip", reply.Message);
    }

    [Fact]
    public async Task Post_CompressionBomb_ResourceExhaustedWithoutInflatingIt()
    {
        await using var app = await StartAsync(); // MaxRequestBodySize 4 MiB
        using var http = Http2Client();
        var json = Encoding.UTF8.GetBytes("{\"name\":\"" + new string(' ', 64 * 1024 * 1024) + "\"}");
        var request = GrpcRequest(await RegisteredUriAsync("/greeter.Greeter/Hello"), "application/grpc+json", Frame(Gzip(json), compressed: true));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");

        using var response = await http.SendAsync(request);

        Assert.Equal("8", Assert.Single(response.Headers.GetValues("grpc-status")));
        var error = MicroException.Parse(GrpcMessageEncoding.Decode(Assert.Single(response.Headers.GetValues("grpc-message"))));
        Assert.Equal(413, error.Code);
        Assert.Contains("exceeds the limit of 4194304 bytes (MicroOptions.MaxRequestBodySize)", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_UnknownGrpcEncoding_UnimplementedListingWhatIsAccepted()
    {
        await using var app = await StartAsync();
        using var http = Http2Client();
        var request = GrpcRequest(await RegisteredUriAsync("/greeter.Greeter/Hello"), "application/grpc+json", Frame("{\"name\":\"x\"}"u8.ToArray()));
        request.Headers.TryAddWithoutValidation("grpc-encoding", "br");

        using var response = await http.SendAsync(request);

        Assert.Equal("12", Assert.Single(response.Headers.GetValues("grpc-status")));
        Assert.Equal("identity,gzip", Assert.Single(response.Headers.GetValues("grpc-accept-encoding")));
        var error = MicroException.Parse(GrpcMessageEncoding.Decode(Assert.Single(response.Headers.GetValues("grpc-message"))));
        Assert.Equal(501, error.Code);
        Assert.Contains("grpc-encoding 'br' is not supported", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Register_ServerGrpc_RegistersTheHttp2ListenerWithGoMicroGrpcMetadata()
    {
        await using var app = await StartAsync();

        var node = Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes);

        Assert.Equal("grpc", node.Metadata["protocol"]);
        Assert.Equal("grpc", node.Metadata["server"]);
        Assert.Equal("grpc", node.Metadata["transport"]);
        Assert.Equal(node.Metadata["h2c"], node.Port.ToString(CultureInfo.InvariantCulture));
        Assert.NotEqual(app.BaseAddress().Port, node.Port);
    }

    [Theory]
    [InlineData("grpc", null, "Micro:Server / MICRO_SERVER grpc registers an address Go Micro's gRPC client reaches with cleartext HTTP/2, which Kestrel serves only on an HTTP/2-only listener: set Micro:Http2Address / MICRO_SERVER_HTTP2_ADDRESS (for example :0), or serve TLS on the main address (Micro:Tls:CertificateFile / MICRO_SERVER_TLS_CERT_FILE).")]
    [InlineData("http", "127.0.0.1:0", "The server 'http' (Micro:Server / MICRO_SERVER) is not one MicroHosting registers as: use mucp (Go Micro's http transport, the default) or grpc (Go Micro v2's gRPC server).")]
    public async Task Start_InvalidServer_FailsWithMessageSayingWhatToFix(string server, string? http2Address, string message)
    {
        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandlers(),
            _registry,
            configureOptions: o =>
            {
                o.Address = "127.0.0.1:0";
                o.Http2Address = http2Address;
                o.Server = server;
            }));

        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private Task<WebApplication> StartAsync()
        => MicroTestHost.StartAsync(
            "greeter",
            app => app.MapMicroHandler("Greeter.Hello", async (GreeterRequest request, MicroContext context, CancellationToken cancellationToken) =>
            {
                switch (request.Name)
                {
                    case "":
                        throw MicroException.BadRequest(context.Service, "name is required");
                    case "encoding":
                        return new GreeterReply { Message = $"grpc-encoding={context.HttpContext.Request.Headers["grpc-encoding"]}" };
                    case "meta":
                        return new GreeterReply { Message = string.Join(',', context.Metadata.Where(m => m.Key.StartsWith("x-", StringComparison.Ordinal) || m.Key.StartsWith("grpc-", StringComparison.Ordinal)).Select(m => $"{m.Key}={m.Value}")) };
                    case "wait":
                        var remaining = context.RemainingTime;
                        try
                        {
                            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                        }
                        catch (OperationCanceledException)
                        {
                            _waited.TrySetResult((remaining, true));
                            throw;
                        }

                        return new GreeterReply();
                    default:
                        return new GreeterReply { Message = $"Hello {request.Name} over {context.HttpContext.Request.Protocol}" };
                }
            }),
            _registry,
            configureOptions: o =>
            {
                o.Address = "127.0.0.1:0";
                o.Http2Address = "127.0.0.1:0";
                o.Server = MicroOptions.GrpcServer;
            });

    private async Task<Uri> RegisteredUriAsync(string path)
    {
        var node = Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes);
        return new Uri($"http://{node.HostPort}{path}");
    }

    private async Task<GrpcChannel> ChannelToRegisteredNodeAsync()
        => GrpcChannel.ForAddress(await RegisteredUriAsync("/"));

    private static HttpClient Http2Client()
        => new() { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };

    private static HttpRequestMessage GrpcRequest(Uri uri, string contentType, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content, Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    private static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Frame(byte[] message, bool compressed = false)
    {
        var framed = new byte[message.Length + 5];
        framed[0] = compressed ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteInt32BigEndian(framed.AsSpan(1), message.Length);
        message.CopyTo(framed, 5);
        return framed;
    }
}
