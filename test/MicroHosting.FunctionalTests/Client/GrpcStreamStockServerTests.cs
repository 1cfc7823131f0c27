using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using Grpc.Core;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Tests.StockGrpc;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client;

/// <summary>
/// The client's gRPC streams against a stock <c>Grpc.AspNetCore</c> service (<c>Protos/ticker_stock.proto</c>, generated
/// server base), registered as a <c>protocol=grpc</c> node: standard gRPC streaming, gzip-compressed replies included.
/// </summary>
public sealed class GrpcStreamStockServerTests : IAsyncLifetime
{
    private const string Service = "tickertest";
    private readonly InMemoryRegistry _registry = new();
    private readonly TickerState _ticker = new();
    private WebApplication _app = null!;
    private ServiceProvider _services = null!;
    private IMicroClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc(o =>
        {
            // Replies are compressed when the caller accepts gzip (grpc-accept-encoding), as the MicroHosting client does.
            o.ResponseCompressionAlgorithm = "gzip";
            o.ResponseCompressionLevel = CompressionLevel.Fastest;
        });
        builder.Services.AddSingleton(_ticker);
        _app = builder.Build();
        _app.Use(async (context, next) =>
        {
            if (context.Request.Path.Value?.EndsWith("/Nope", StringComparison.Ordinal) == true)
            {
                _ticker.Unknown.Enqueue("Ticker.Nope");
            }

            await next(context);
            _ticker.ReplyEncodings.Enqueue(context.Response.Headers["grpc-encoding"].ToString());
        });
        _app.MapGrpcService<TickerService>();
        await _app.StartAsync();
        await _registry.RegisterAsync(
            new MicroService
            {
                Name = Service,
                Version = "latest",
                Nodes = [new MicroNode { Id = "ticker-1", Address = "127.0.0.1", Port = _app.BaseAddress().Port, Metadata = new Dictionary<string, string> { ["protocol"] = "grpc" } }],
            },
            TimeSpan.Zero);
        _services = TestClient.Create(_registry);
        _client = _services.GetRequiredService<IMicroClient>();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await _app.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task ServerStreamAsync_StockServer_EveryGzipCompressedTickInOrder()
    {
        var (items, error) = await _client.ServerStreamAsync<TickRequest, Tick>(Service, "Ticker.Count", new TickRequest { Count = 200, Size = 2000 }).CollectAsync();

        Assert.Null(error);
        Assert.Equal(Enumerable.Range(0, 200), items.Select(t => t.Value));
        Assert.All(items, t => Assert.Equal(2000, t.Text.Length));
        Assert.Equal("gzip", Assert.Single(_ticker.ReplyEncodings)); // the stock server did compress its replies
    }

    [Fact]
    public async Task ClientStreamAsync_StockServer_SendsEveryTickAndGetsTheSum()
    {
        var sum = await _client.ClientStreamAsync<Tick, Tick>(Service, "Ticker.Sum", Ticks(Enumerable.Range(1, 100)));

        Assert.Equal(5050, sum.Value);
        Assert.Equal(100, _ticker.Consumed);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_StockServer_RepliesInterleaveWithRequests()
    {
        await using var stream = await _client.OpenDuplexStreamAsync<Tick, Tick>(Service, "Ticker.Double");
        await using var replies = stream.ReadAllAsync().GetAsyncEnumerator();
        for (var i = 1; i <= 5; i++)
        {
            await stream.SendAsync(new Tick { Value = i });
            Assert.True(await replies.MoveNextAsync());
            Assert.Equal(i * 2, replies.Current.Value);
        }

        await stream.CompleteAsync();

        Assert.False(await replies.MoveNextAsync());
        Assert.Equal(1, stream.Attempts);
    }

    [Fact]
    public async Task ServerStreamAsync_StockServerFailsMidStream_TicksThenTheStatusMappedToItsCode()
    {
        var (items, error) = await _client.ServerStreamAsync<TickRequest, Tick>(Service, "Ticker.Count", new TickRequest { Count = 2, FailWith = "no such ticker" }).CollectAsync();

        Assert.Equal([0, 1], items.Select(t => t.Value));
        var ex = Assert.IsType<MicroException>(error);
        Assert.Equal(404, ex.Code); // NOT_FOUND (5), no Go Micro error JSON in grpc-message
        Assert.Equal("no such ticker", ex.Detail);
    }

    [Fact]
    public async Task ServerStreamAsync_DeadlinePassesMidStream_TimeoutAndTheStockHandlerIsCancelled()
    {
        // The client's clock is a fake one, moved past the deadline once the first tick arrived: on the real clock a
        // loaded machine could spend the second before the stream reached the handler (never cancelled, then).
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var services = TestClient.Create(_registry, configure: s => s.AddSingleton<TimeProvider>(time));
        var options = new MicroCallOptions { Timeout = TimeSpan.FromSeconds(1) };
        await using var replies = services.GetRequiredService<IMicroClient>()
            .ServerStreamAsync<TickRequest, Tick>(Service, "Ticker.Count", new TickRequest { Count = 1000, DelayMs = 50 }, options).GetAsyncEnumerator();
        Assert.True(await replies.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
        var first = replies.Current;

        time.Advance(TimeSpan.FromSeconds(1));
        var (rest, error) = await replies.RestOf().CollectAsync();
        await _ticker.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(408, Assert.IsType<MicroException>(error).Code);
        Assert.Equal(Enumerable.Range(0, rest.Count + 1), new[] { first }.Concat(rest).Select(t => t.Value));
        Assert.True(_ticker.Produced < 1000);
    }

    [Fact]
    public async Task ServerStreamAsync_CallerCancels_CancelledAndTheStockHandlerSeesIt()
    {
        using var cancel = new CancellationTokenSource();
        var received = 0;

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var tick in _client.ServerStreamAsync<TickRequest, Tick>(Service, "Ticker.Count", new TickRequest { Count = 100_000, DelayMs = 1 }, cancellationToken: cancel.Token))
            {
                if (++received == 3)
                {
                    await cancel.CancelAsync();
                }
            }
        }).WaitAsync(TimeSpan.FromSeconds(30));
        await _ticker.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(cancel.Token, ex.CancellationToken);
        Assert.Equal(3, received);
        Assert.True(_ticker.Produced < 100_000);
    }

    [Fact]
    public async Task OpenDuplexStreamAsync_UnknownMethod_NotImplementedFromStatus12()
    {
        await using var stream = await _client.OpenDuplexStreamAsync<Tick, Tick>(Service, "Ticker.Nope");

        var ex = await Assert.ThrowsAsync<MicroException>(async () => await stream.ReadAllAsync().ToListAsync());

        Assert.Equal(501, ex.Code);
        Assert.Contains("unimplemented", ex.Detail, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ServerStreamAsync_UnknownMethod_NotImplementedOnceWithoutRetry()
    {
        var (items, error) = await _client.ServerStreamAsync<TickRequest, Tick>(Service, "Ticker.Nope", new TickRequest { Count = 1 }).CollectAsync();

        Assert.Empty(items);
        var ex = Assert.IsType<MicroException>(error);
        Assert.Equal(501, ex.Code); // the stock server answers trailers-only without reading the request
        Assert.Equal(["Ticker.Nope"], _ticker.Unknown);
    }

    private static async IAsyncEnumerable<Tick> Ticks(IEnumerable<int> values)
    {
        foreach (var value in values)
        {
            await Task.Yield();
            yield return new Tick { Value = value };
        }
    }

    /// <summary>What the stock handlers saw.</summary>
    internal sealed class TickerState
    {
        private int _produced;
        private int _consumed;

        public int Produced => Volatile.Read(ref _produced);

        public int Consumed => Volatile.Read(ref _consumed);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<string> ReplyEncodings { get; } = new();

        /// <summary>Gets the calls of methods the service does not have (one entry per call that reached the server).</summary>
        public ConcurrentQueue<string> Unknown { get; } = new();

        public void Produce() => Interlocked.Increment(ref _produced);

        public void Consume() => Interlocked.Increment(ref _consumed);
    }

    /// <summary>A plain Grpc.AspNetCore implementation of the generated <c>Ticker</c> service.</summary>
    internal sealed class TickerService(TickerState state) : Ticker.TickerBase
    {
        public override async Task Count(TickRequest request, IServerStreamWriter<Tick> responseStream, ServerCallContext context)
        {
            var text = new string('t', request.Size);
            try
            {
                for (var i = 0; i < request.Count; i++)
                {
                    if (request.DelayMs > 0)
                    {
                        await Task.Delay(request.DelayMs, context.CancellationToken);
                    }

                    state.Produce();
                    await responseStream.WriteAsync(new Tick { Value = i, Text = text }, context.CancellationToken);
                }
            }
            catch (Exception) when (context.CancellationToken.IsCancellationRequested)
            {
                state.Cancelled.TrySetResult();
                throw;
            }

            if (request.FailWith.Length > 0)
            {
                throw new RpcException(new Status(StatusCode.NotFound, request.FailWith));
            }
        }

        public override async Task<Tick> Sum(IAsyncStreamReader<Tick> requestStream, ServerCallContext context)
        {
            var sum = 0;
            await foreach (var tick in requestStream.ReadAllAsync(context.CancellationToken))
            {
                state.Consume();
                sum += tick.Value;
            }

            return new Tick { Value = sum };
        }

        public override async Task Double(IAsyncStreamReader<Tick> requestStream, IServerStreamWriter<Tick> responseStream, ServerCallContext context)
        {
            await foreach (var tick in requestStream.ReadAllAsync(context.CancellationToken))
            {
                await responseStream.WriteAsync(new Tick { Value = tick.Value * 2 }, context.CancellationToken);
            }
        }
    }
}
