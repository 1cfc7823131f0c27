using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using MicroHosting.Registry;
using MicroHosting.Tests.Protos;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace MicroHosting.Tests.Client;

/// <summary>A "numbers" service with one streaming endpoint per behaviour the client tests need, and what its handlers saw.</summary>
internal sealed class StreamingNumbers
{
    public const string Service = "numbers";
    private int _produced;
    private int _consumed;

    public sealed record CountRequest(int Count, int Size = 0, int DelayMs = 0);

    public sealed record Number(int Value, string? Text = null);

    /// <summary>Gets how many messages the server-stream handlers produced.</summary>
    public int Produced => Volatile.Read(ref _produced);

    /// <summary>Gets how many messages the client-stream handlers took.</summary>
    public int Consumed => Volatile.Read(ref _consumed);

    /// <summary>Gets a task that completes when a handler's enumeration ended (normally, by error or cancelled).</summary>
    public TaskCompletionSource HandlerEnded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task that completes when a handler saw its cancellation token fire.</summary>
    public TaskCompletionSource HandlerCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets the signal on which <c>Numbers.Abort</c> drops the connection, once the test holds the messages sent before.</summary>
    public TaskCompletionSource AbortNow { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Starts the service; <paramref name="grpc"/> registers it as a gRPC node (<c>Micro:Server=grpc</c>, its h2c listener), whose streams are gRPC streams.</summary>
    public Task<WebApplication> StartAsync(IRegistry registry, long maxRequestBodySize = 8 * 1024 * 1024, string? advertise = null, string? address = null, bool grpc = false)
        => MicroTestHost.StartAsync(
            Service,
            app =>
            {
                app.MapMicroHandler("Numbers.Count", (CountRequest r, MicroContext c) => Count(r, c.CancellationToken));
                app.MapMicroHandler("Numbers.Sum", async (IAsyncEnumerable<Number> numbers, CancellationToken ct) =>
                {
                    var sum = 0;
                    await foreach (var n in numbers.WithCancellation(ct))
                    {
                        Interlocked.Increment(ref _consumed);
                        sum += n.Value;
                    }

                    return new Number(sum);
                });
                app.MapMicroHandler("Numbers.TakeOneThenWait", async (IAsyncEnumerable<Number> numbers, CancellationToken ct) =>
                {
                    try
                    {
                        await foreach (var n in numbers.WithCancellation(ct))
                        {
                            Interlocked.Increment(ref _consumed);
                            await Task.Delay(Timeout.Infinite, ct);
                        }
                    }
                    catch (OperationCanceledException)
                    {
                        HandlerCancelled.TrySetResult();
                        throw;
                    }

                    return new Number(0);
                });
                app.MapMicroHandler("Numbers.Positive", async (IAsyncEnumerable<Number> numbers, CancellationToken ct) =>
                {
                    await foreach (var n in numbers.WithCancellation(ct))
                    {
                        if (n.Value < 0)
                        {
                            throw MicroException.BadRequest(Service, $"{n.Value} is negative");
                        }
                    }

                    return new Number(0);
                });
                app.MapMicroHandler("Numbers.FirstOnly", async (IAsyncEnumerable<Number> numbers, CancellationToken ct) =>
                {
                    await foreach (var n in numbers.WithCancellation(ct))
                    {
                        return n;
                    }

                    return new Number(-1);
                });
                app.MapMicroHandler("Numbers.Double", (IAsyncEnumerable<Number> numbers, CancellationToken ct) => Double(numbers, ct));
                app.MapMicroHandler("Numbers.Fail", (CountRequest r) => FailAfter(r.Count));
                app.MapMicroHandler("Numbers.Abort", (CountRequest r, MicroContext c) => AbortAfter(r.Count, c, AbortNow.Task));
                app.MapMicroHandler("Numbers.Metadata", (CountRequest r, MicroContext c) => Metadata(c));
                app.MapMicroHandler("Numbers.ProtoCount", (EchoRequest r, MicroContext c) => ProtoCount(r, c));
                app.MapMicroHandler("Numbers.ProtoEcho", (IAsyncEnumerable<EchoRequest> input, MicroContext c) => ProtoEcho(input, c));
                app.MapMicroHandler("Numbers.Hello", (HelloRequest r) => new HelloReply("unary"));

                // Misbehaving stream servers, on the same port: what a client must survive.
                app.Map("/Bad/Text", context => Misbehave(context, socket => socket.SendAsync("oops, not error JSON"u8.ToArray(), WebSocketMessageType.Text, true, default)));
                app.Map("/Bad/Garbage", context => Misbehave(context, socket => socket.SendAsync("{not json"u8.ToArray(), WebSocketMessageType.Binary, true, default)));
                app.Map("/Bad/Close", context => Misbehave(context, socket => socket.CloseOutputAsync(WebSocketCloseStatus.InternalServerError, "gone", default)));
            },
            registry,
            configureOptions: o =>
            {
                o.MaxRequestBodySize = maxRequestBodySize;
                o.Advertise = advertise;
                o.Address = address;
                if (grpc)
                {
                    o.Address ??= "127.0.0.1:0";
                    o.Http2Address = "127.0.0.1:0";
                    o.Server = MicroHosting.Hosting.MicroOptions.GrpcServer;
                }
            });

    private static async Task Misbehave(HttpContext context, Func<WebSocket, Task> misbehave)
    {
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        await misbehave(socket);
        try
        {
            var buffer = new byte[1024];
            while ((await socket.ReceiveAsync(buffer, context.RequestAborted)).MessageType != WebSocketMessageType.Close)
            {
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client gave up on us, as it should.
        }
    }

    private async IAsyncEnumerable<Number> Count(CountRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var padding = request.Size > 0 ? new string('p', request.Size) : null;
        try
        {
            for (var i = 0; i < request.Count; i++)
            {
                if (request.DelayMs > 0)
                {
                    await Task.Delay(request.DelayMs, cancellationToken);
                }

                cancellationToken.ThrowIfCancellationRequested();
                Interlocked.Increment(ref _produced);
                yield return new Number(i, padding);
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                HandlerCancelled.TrySetResult();
            }

            HandlerEnded.TrySetResult();
        }
    }

    private static async IAsyncEnumerable<Number> Double(IAsyncEnumerable<Number> numbers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var n in numbers.WithCancellation(cancellationToken))
        {
            yield return new Number(n.Value * 2, n.Text);
        }
    }

    private static async IAsyncEnumerable<Number> FailAfter(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            yield return new Number(i);
        }

        throw MicroException.Conflict(Service, $"ran out at {count}");
    }

    private static async IAsyncEnumerable<Number> AbortAfter(int count, MicroContext context, Task abortNow)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new Number(i);
        }

        // When the test says its messages arrived, drop the connection as a crashing node would.
        await abortNow.WaitAsync(context.CancellationToken);
        context.HttpContext.Abort();
        await Task.Delay(Timeout.Infinite, context.CancellationToken);
    }

    private static async IAsyncEnumerable<Number> Metadata(MicroContext context)
    {
        await Task.Yield();
        yield return new Number(0, context.Metadata.TryGetValue("X-Tenant", out var tenant) ? tenant : null);
        yield return new Number(1, context.FromService);
        yield return new Number(2, context.Deadline is null ? "no deadline" : "deadline");
    }

    private static async IAsyncEnumerable<EchoReply> ProtoCount(EchoRequest request, MicroContext context)
    {
        var contentType = context.HttpContext.Request.Query["content-type"].ToString();
        for (var i = 0; i < request.Number; i++)
        {
            await Task.CompletedTask;
            yield return new EchoReply { Number = i, Text = contentType };
        }
    }

    private static async IAsyncEnumerable<EchoReply> ProtoEcho(IAsyncEnumerable<EchoRequest> input, MicroContext context)
    {
        var contentType = context.HttpContext.Request.Query["content-type"].ToString();
        await foreach (var item in input.WithCancellation(context.CancellationToken))
        {
            yield return new EchoReply { Number = item.Number, Text = item.Text, Tags = { contentType } };
        }
    }
}
