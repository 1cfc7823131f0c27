using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using MicroHosting.Client;
using MicroHosting.Hosting;
using MicroHosting.Internal;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using GreeterReply = Greeter.Contracts.HelloReply;
using GreeterRequest = Greeter.Contracts.HelloRequest;

namespace MicroHosting.Tests.Client;

/// <summary>
/// The client's gRPC wire, for nodes that registered <c>protocol=grpc</c>: against a MicroHosting node with
/// <c>Micro:Server=grpc</c>, and against a hand-written stock gRPC server that shows what goes over the wire.
/// </summary>
public sealed class GrpcClientTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly List<IAsyncDisposable> _apps = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        _registry.Dispose();
    }

    [Theory]
    [InlineData(null, "application/grpc+proto")]
    [InlineData("application/json", "application/grpc+json")]
    [InlineData("application/protobuf", "application/grpc+proto")]
    public async Task Call_MicroHostingGrpcNode_TypedCallOverGrpc(string? contentType, string onTheWire)
    {
        await StartGrpcNodeAsync();
        await using var services = TestClient.Create(_registry);

        var reply = await services.GetRequiredService<IMicroClient>().SendAsync<GreeterRequest, GreeterReply>(
            "greeter", "Greeter.Hello", new GreeterRequest { Name = "net" }, new MicroCallOptions { ContentType = contentType });

        Assert.Equal($"Hello net over HTTP/2 as {onTheWire}", reply.Value.Message);
        Assert.Equal(1, reply.Attempts);
    }

    [Fact]
    public async Task Call_HandlerError_RebuiltFromGrpcMessageJson()
    {
        await StartGrpcNodeAsync();
        await using var services = TestClient.Create(_registry);

        var ex = await Assert.ThrowsAsync<MicroException>(() => services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "greeter", "Greeter.Hello", new GreeterRequest { Name = string.Empty }));

        Assert.Equal(400, ex.Code);
        Assert.Equal("name is required", ex.Detail);
        Assert.Equal("greeter", ex.Id);
    }

    [Fact]
    public async Task Call_DeadlinePasses_TimeoutAndTheHandlerRanUnderIt()
    {
        await StartGrpcNodeAsync();
        await using var services = TestClient.Create(_registry);

        var ex = await Assert.ThrowsAsync<MicroException>(() => services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "greeter", "Greeter.Hello", new GreeterRequest { Name = "wait" }, new MicroCallOptions { Timeout = TimeSpan.FromSeconds(1), Retries = 0 }));
        var remaining = await _handlerDeadline.Task.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(408, ex.Code);
        Assert.NotNull(remaining);
        Assert.InRange(remaining.Value, TimeSpan.Zero, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Call_StockGrpcServer_PathHeadersAndFramingAsGoMicroSends()
    {
        var seen = new ConcurrentQueue<(string Path, IHeaderDictionary Headers, byte[] Body)>();
        await StartStockServerAsync("stock", async context =>
        {
            var body = await ReadAllAsync(context.Request.Body);
            seen.Enqueue((context.Request.Path.Value!, new HeaderDictionary(context.Request.Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase)), body));
            context.Response.ContentType = "application/grpc+json";
            await context.Response.Body.WriteAsync(Frame("{\"message\":\"stock says hi\"}"u8.ToArray()));
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await using var services = TestClient.Create(_registry);

        var reply = await services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "stock", "Greeter.Hello", new GreeterRequest { Name = "x" }, new MicroCallOptions
            {
                ContentType = "application/json",
                Timeout = TimeSpan.FromSeconds(30),
                Metadata = new Dictionary<string, string> { ["X-User"] = "alice" },
            });

        Assert.Equal("stock says hi", reply.Message);
        var (path, headers, sent) = Assert.Single(seen);
        Assert.Equal("/stock.Greeter/Hello", path);
        Assert.Equal("application/grpc+json", headers.ContentType);
        Assert.Equal("trailers", headers["te"]);
        Assert.True(GrpcTimeout.TryParse(headers["grpc-timeout"], out var grpcTimeout), headers["grpc-timeout"]);
        Assert.InRange(grpcTimeout, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(30));
        var nanoseconds = long.Parse(headers["timeout"]!, CultureInfo.InvariantCulture);
        Assert.InRange(nanoseconds, 1, 30_000_000_000);
        Assert.Equal("alice", headers["x-user"]);
        Assert.False(headers.ContainsKey("Micro-Endpoint"));
        Assert.Equal(0, sent[0]);
        Assert.Equal(sent.Length - 5, BinaryPrimitives.ReadInt32BigEndian(sent.AsSpan(1)));
        Assert.Equal("x", System.Text.Json.JsonDocument.Parse(sent.AsMemory(5)).RootElement.GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(3, 400)]
    [InlineData(4, 408)]
    [InlineData(5, 404)]
    [InlineData(7, 403)]
    [InlineData(9, 412)]
    [InlineData(12, 501)]
    [InlineData(13, 500)]
    [InlineData(14, 503)]
    [InlineData(16, 401)]
    [InlineData(2, 500)]
    public async Task Call_StockGrpcStatusWithoutErrorJson_CodeMappedFromTheStatus(int status, int code)
    {
        await StartStockServerAsync("stock", context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = status.ToString(CultureInfo.InvariantCulture);
            context.Response.Headers["grpc-message"] = "unknown service Greeter%2C sorry";
            return Task.CompletedTask;
        });
        await using var services = TestClient.Create(_registry);

        var ex = await Assert.ThrowsAsync<MicroException>(() => services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "stock", "Greeter.Hello", new GreeterRequest { Name = "x" }, new MicroCallOptions { Retries = 0 }));

        Assert.Equal(code, ex.Code);
        Assert.Equal("unknown service Greeter, sorry", ex.Detail);
    }

    [Fact]
    public async Task Call_StatusDetailsBin_KeptRawInTheErrorsData()
    {
        await StartStockServerAsync("stock", context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "5";
            context.Response.Headers["grpc-message"] = "no such greeter";
            context.Response.Headers["grpc-status-details-bin"] = StatusDetails;
            return Task.CompletedTask;
        });
        await using var services = TestClient.Create(_registry);

        var ex = await Assert.ThrowsAsync<MicroException>(() => services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "stock", "Greeter.Hello", new GreeterRequest { Name = "x" }, new MicroCallOptions { Retries = 0 }));

        Assert.Equal(404, ex.Code);
        Assert.Equal("no such greeter", ex.Detail);
        Assert.Equal(StatusDetails, ex.Data["grpc-status-details-bin"]);
    }

    [Fact]
    public async Task ServerStream_StockServerEndsWithStatusDetails_MessagesThenTheErrorWithItsDetailsRaw()
    {
        await StartStockServerAsync("stock", async context =>
        {
            context.Response.ContentType = "application/grpc+json";
            await context.Response.Body.WriteAsync(Frame("{\"message\":\"one\"}"u8.ToArray()));
            await context.Response.Body.FlushAsync();
            context.Response.AppendTrailer("grpc-status", "7");
            context.Response.AppendTrailer("grpc-message", "not yours");
            context.Response.AppendTrailer("grpc-status-details-bin", StatusDetails);
        });
        await using var services = TestClient.Create(_registry);
        var replies = new List<string>();

        var ex = await Assert.ThrowsAsync<MicroException>(async () =>
        {
            await foreach (var reply in services.GetRequiredService<IMicroClient>().ServerStreamAsync<GreeterRequest, GreeterReply>(
                "stock", "Greeter.Watch", new GreeterRequest { Name = "x" }, new MicroCallOptions { ContentType = "application/json", Retries = 0 }))
            {
                replies.Add(reply.Message);
            }
        });

        Assert.Equal(["one"], replies);
        Assert.Equal(403, ex.Code);
        Assert.Equal("not yours", ex.Detail);
        Assert.Equal(StatusDetails, ex.Data["grpc-status-details-bin"]);
    }

    [Fact]
    public async Task Call_StockServerCompressesItsReply_InflatedAndDecoded()
    {
        await StartStockServerAsync("stock", async context =>
        {
            context.Response.ContentType = "application/grpc+json";
            context.Response.Headers["grpc-encoding"] = "gzip";
            await context.Response.Body.WriteAsync(Frame(Gzip("{\"message\":\"squeezed\"}"u8.ToArray()), compressed: true));
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await using var services = TestClient.Create(_registry);

        var reply = await services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "stock", "Greeter.Hello", new GreeterRequest { Name = "x" }, new MicroCallOptions { ContentType = "application/json" });

        Assert.Equal("squeezed", reply.Message);
    }

    [Fact]
    public async Task Call_StockServerRepliesWithACompressionBomb_ErrorAtTheLimitNotUnboundedMemory()
    {
        var bomb = Gzip(System.Text.Encoding.UTF8.GetBytes("{\"message\":\"" + new string(' ', 8 * 1024 * 1024) + "\"}"));
        await StartStockServerAsync("stock", async context =>
        {
            context.Response.ContentType = "application/grpc+json";
            context.Response.Headers["grpc-encoding"] = "gzip";
            await context.Response.Body.WriteAsync(Frame(bomb, compressed: true));
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:MaxStreamMessageSize"] = "1048576" });

        var ex = await Assert.ThrowsAsync<MicroException>(() => services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "stock", "Greeter.Hello", new GreeterRequest { Name = "x" }, new MicroCallOptions { ContentType = "application/json", Retries = 0 }));

        Assert.Equal(500, ex.Code);
        Assert.Contains("exceeds the limit of 1048576 bytes (Micro:Client:MaxStreamMessageSize)", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServerStream_NodeAnswersAnHttpError_RefusedWithItsStatusAndBody()
    {
        var calls = 0;
        await StartStockServerAsync("stock", async context =>
        {
            Interlocked.Increment(ref calls);
            context.Response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            await context.Response.WriteAsync("no grpc here");
        });
        await using var services = TestClient.Create(_registry);

        var ex = await Assert.ThrowsAsync<MicroException>(async () =>
        {
            await foreach (var reply in services.GetRequiredService<IMicroClient>().ServerStreamAsync<GreeterRequest, GreeterReply>(
                "stock", "Greeter.Watch", new GreeterRequest { Name = "x" }, new MicroCallOptions { ContentType = "application/json" }))
            {
                Assert.Fail($"received {reply.Message}");
            }
        });

        Assert.Equal(415, ex.Code);
        Assert.Contains("refused the stream with 415", ex.Detail, StringComparison.Ordinal);
        Assert.Contains("no grpc here", ex.Detail, StringComparison.Ordinal);
        Assert.Equal(1, calls); // a 415 is not worth another attempt
    }

    [Fact]
    public async Task Call_ReplyWithoutGrpcStatus_BadGatewaySayingSo()
    {
        await StartStockServerAsync("stock", async context =>
        {
            context.Response.ContentType = "application/grpc+proto";
            await context.Response.Body.WriteAsync(Frame([]));
        });
        await using var services = TestClient.Create(_registry);

        var ex = await Assert.ThrowsAsync<MicroException>(() => services.GetRequiredService<IMicroClient>().CallAsync<GreeterRequest, GreeterReply>(
            "stock", "Greeter.Hello", new GreeterRequest { Name = "x" }, new MicroCallOptions { Retries = 0 }));

        Assert.Equal(502, ex.Code);
        Assert.Contains("registered protocol=grpc but its reply has no grpc-status", ex.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_GrpcNodeDead_RetriedOnTheLiveOne()
    {
        var live = await StartGrpcNodeAsync();
        await _registry.RegisterAsync(
            new MicroService
            {
                Name = "greeter",
                Version = "latest",
                Nodes = [new MicroNode { Id = "greeter-dead", Address = "127.0.0.1", Port = ExternalServer.FreeTcpPort(), Metadata = new Dictionary<string, string> { ["protocol"] = "grpc" } }],
            },
            TimeSpan.Zero);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:Selector"] = "roundrobin", ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();

        var replies = new List<MicroResponse<GreeterReply>>();
        for (var i = 0; i < 6; i++)
        {
            replies.Add(await client.SendAsync<GreeterRequest, GreeterReply>("greeter", "Greeter.Hello", new GreeterRequest { Name = "n" }));
        }

        Assert.All(replies, r => Assert.Equal(TestClient.NodeId(live), r.Node.Id));
        Assert.True(replies.Sum(r => r.Attempts - 1) >= 1); // the dead node was tried, and the call moved on
    }

    /// <summary>A google.rpc.Status (code 5, message "nope") in base64, as grpc-status-details-bin carries it; the client does not decode it.</summary>
    private const string StatusDetails = "CAUSBG5vcGU";

    private readonly TaskCompletionSource<TimeSpan?> _handlerDeadline = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<WebApplication> StartGrpcNodeAsync()
    {
        var app = await MicroTestHost.StartAsync(
            "greeter",
            a => a.MapMicroHandler("Greeter.Hello", async (GreeterRequest request, MicroContext context, CancellationToken cancellationToken) =>
            {
                if (request.Name.Length == 0)
                {
                    throw MicroException.BadRequest(context.Service, "name is required");
                }

                if (request.Name == "wait")
                {
                    _handlerDeadline.TrySetResult(context.RemainingTime);
                    await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                }

                return new GreeterReply { Message = $"Hello {request.Name} over {context.HttpContext.Request.Protocol} as {context.HttpContext.Request.ContentType}" };
            }),
            _registry,
            configureOptions: o =>
            {
                o.Address = "127.0.0.1:0";
                o.Http2Address = "127.0.0.1:0";
                o.Server = MicroOptions.GrpcServer;
            });
        _apps.Add(app);
        return app;
    }

    private async Task StartStockServerAsync(string name, RequestDelegate handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        _apps.Add(app);
        await _registry.RegisterAsync(
            new MicroService
            {
                Name = name,
                Version = "latest",
                Nodes = [new MicroNode { Id = name + "-1", Address = "127.0.0.1", Port = app.BaseAddress().Port, Metadata = new Dictionary<string, string> { ["protocol"] = "grpc", ["server"] = "grpc" } }],
            },
            TimeSpan.Zero);
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer);
        return buffer.ToArray();
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
