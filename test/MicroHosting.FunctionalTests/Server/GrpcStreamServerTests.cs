using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using MicroHosting.Hosting;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using GreeterClient = MicroHosting.Tests.Grpc.Greeter.GreeterClient;
using GreeterReply = Greeter.Contracts.HelloReply;
using GreeterRequest = Greeter.Contracts.HelloRequest;

namespace MicroHosting.Tests.Server;

/// <summary>MicroHosting stream handlers (server, client and bidirectional streaming) called as gRPC streams by <c>Grpc.Net.Client</c>.</summary>
public sealed class GrpcStreamServerTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _encodings = new();
    private WebApplication? _app;
    private GrpcChannel? _channel;

    private GreeterClient Client => new(_channel!);

    public async Task InitializeAsync()
    {
        _app = await MicroTestHost.StartAsync(
            "greeter",
            app =>
            {
                app.MapMicroHandler("Greeter.Repeat", (GreeterRequest request, MicroContext context) => RepeatAsync(request.Name, 3, context.CancellationToken));
                app.MapMicroHandler("Greeter.Join", async (IAsyncEnumerable<GreeterRequest> requests, MicroContext context, CancellationToken cancellationToken) =>
                {
                    _encodings.Enqueue(context.HttpContext.Request.Headers["grpc-encoding"].ToString());
                    var names = new List<string>();
                    await foreach (var request in requests.WithCancellation(cancellationToken))
                    {
                        names.Add(request.Name);
                    }

                    return new GreeterReply { Message = string.Join('+', names) };
                });
                app.MapMicroHandler("Greeter.Echo", (IAsyncEnumerable<GreeterRequest> requests, CancellationToken cancellationToken) => EchoAsync(requests, cancellationToken));
                app.MapMicroHandler("Greeter.Fail", (GreeterRequest request) => FailAsync(request.Name));
            },
            _registry,
            configureOptions: o =>
            {
                o.Address = "127.0.0.1:0";
                o.Http2Address = "127.0.0.1:0";
                o.Server = MicroOptions.GrpcServer;
            });
        var node = Assert.Single(Assert.Single(await _registry.GetServiceAsync("greeter")).Nodes);
        _channel = GrpcChannel.ForAddress($"http://{node.HostPort}");
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _registry.Dispose();
    }

    [Fact]
    public async Task ServerStream_EachReplyArrivesThenStatusOk()
    {
        using var call = Client.Repeat(new GreeterRequest { Name = "a" }, deadline: DateTime.UtcNow.AddMinutes(1));

        var replies = await call.ResponseStream.ReadAllAsync().Select(r => r.Message).ToListAsync();

        Assert.Equal(["a #1", "a #2", "a #3"], replies);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task ClientStream_HandlerReadsEveryMessageUntilTheCallerCompletes()
    {
        using var call = Client.Join(deadline: DateTime.UtcNow.AddMinutes(1));
        foreach (var name in new[] { "x", "y", "z" })
        {
            await call.RequestStream.WriteAsync(new GreeterRequest { Name = name });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;

        Assert.Equal("x+y+z", reply.Message);
    }

    [Fact]
    public async Task ClientStream_GzipCompressedRequests_HandlerReadsThemDecompressed()
    {
        using var call = Client.Join(new Metadata { { "grpc-internal-encoding-request", "gzip" } }, deadline: DateTime.UtcNow.AddMinutes(1));
        foreach (var name in new[] { new string('x', 5000), "y", "z" })
        {
            await call.RequestStream.WriteAsync(new GreeterRequest { Name = name });
        }

        await call.RequestStream.CompleteAsync();
        var reply = await call.ResponseAsync;

        Assert.Equal(new string('x', 5000) + "+y+z", reply.Message);
        Assert.Equal("gzip", _encodings.Single());
    }

    [Fact]
    public async Task BidiStream_RepliesInterleaveWithRequests()
    {
        using var call = Client.Echo(deadline: DateTime.UtcNow.AddMinutes(1));
        var replies = new List<string>();
        foreach (var name in new[] { "one", "two" })
        {
            // Each reply arrives before the next request is sent: the server flushes as it goes.
            await call.RequestStream.WriteAsync(new GreeterRequest { Name = name });
            Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
            replies.Add(call.ResponseStream.Current.Message);
        }

        await call.RequestStream.CompleteAsync();

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(["echo one", "echo two"], replies);
    }

    [Fact]
    public async Task ServerStream_HandlerFailsAfterTwoReplies_StatusInTrailersWithErrorJson()
    {
        using var call = Client.Fail(new GreeterRequest { Name = "f" }, deadline: DateTime.UtcNow.AddMinutes(1));
        var replies = new List<string>();

        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var reply in call.ResponseStream.ReadAllAsync())
            {
                replies.Add(reply.Message);
            }
        });

        Assert.Equal(["f 1", "f 2"], replies);
        Assert.Equal(StatusCode.AlreadyExists, ex.StatusCode);
        var error = MicroException.Parse(ex.Status.Detail);
        Assert.Equal(409, error.Code);
        Assert.Equal("f exists", error.Detail);
    }

    private static async IAsyncEnumerable<GreeterReply> RepeatAsync(string name, int count, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 1; i <= count; i++)
        {
            await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
            yield return new GreeterReply { Message = $"{name} #{i}" };
        }
    }

    private static async IAsyncEnumerable<GreeterReply> EchoAsync(IAsyncEnumerable<GreeterRequest> requests, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var request in requests.WithCancellation(cancellationToken))
        {
            yield return new GreeterReply { Message = "echo " + request.Name };
        }
    }

    private static async IAsyncEnumerable<GreeterReply> FailAsync(string name)
    {
        yield return new GreeterReply { Message = name + " 1" };
        await Task.Yield();
        yield return new GreeterReply { Message = name + " 2" };
        throw MicroException.Conflict("greeter", name + " exists");
    }
}
