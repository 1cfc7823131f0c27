using System.Net;
using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Server;

public sealed class MicroStreamHandlerTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private readonly TaskCompletionSource _serverCancelled = new();
    private TaskCompletionSource? _floodCancelled;
    private long _floodProduced;
    private WebApplication _app = null!;

    public sealed record CountRequest(int Count, int Size = 0);

    public sealed record Number(int Value, string? Padding = null);

    public async Task InitializeAsync()
    {
        _app = await MicroTestHost.StartAsync(
            "streams",
            app =>
            {
                app.MapMicroHandler("Stream.Count", (CountRequest r, CancellationToken ct) => Count(r, ct));
                app.MapMicroHandler("Stream.Sum", async (IAsyncEnumerable<Number> numbers, CancellationToken ct) =>
                {
                    var sum = 0;
                    await foreach (var n in numbers.WithCancellation(ct))
                    {
                        sum += n.Value;
                    }

                    return new Number(sum);
                });
                app.MapMicroHandler("Stream.Double", (IAsyncEnumerable<Number> numbers, MicroContext c) => Double(numbers, c.CancellationToken));
                app.MapMicroHandler("Stream.Fail", (CountRequest r) => FailAfter(r.Count));
                app.MapMicroHandler("Stream.Forever", (CountRequest r, CancellationToken ct) => Forever(ct));
                app.MapMicroHandler("Stream.Flood", (CountRequest r, MicroContext c) => Flood(r.Size, c.CancellationToken));
            },
            _registry,
            configureOptions: o => o.MaxRequestBodySize = 64 * 1024);
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task ServerStream_SendsEveryMessageThenClosesNormally()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Count");
        await client.SendJsonAsync(new CountRequest(1000));

        var (messages, error, status) = await client.ReadToEndAsync();

        Assert.Null(error);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(Enumerable.Range(0, 1000), messages.Select(m => JsonSerializer.Deserialize<Number>(m, JsonSerializerOptions.Web)!.Value));
    }

    [Fact]
    public async Task ClientStream_ReceivesAllThenReplies()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Sum");
        for (var i = 1; i <= 100; i++)
        {
            await client.SendJsonAsync(new Number(i));
        }

        await client.CompleteAsync();
        var (messages, error, _) = await client.ReadToEndAsync();

        Assert.Null(error);
        Assert.Equal(5050, JsonSerializer.Deserialize<Number>(Assert.Single(messages), JsonSerializerOptions.Web)!.Value);
    }

    [Fact]
    public async Task Bidirectional_RepliesToEachMessageWhileStillSending()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Double");
        for (var i = 0; i < 3; i++)
        {
            await client.SendJsonAsync(new Number(i));
            var (reply, _, _) = await client.ReadToEndAsync(max: 1);
            Assert.Equal(i * 2, JsonSerializer.Deserialize<Number>(Assert.Single(reply), JsonSerializerOptions.Web)!.Value);
        }

        await client.CompleteAsync();
        var (rest, error, status) = await client.ReadToEndAsync();
        Assert.Empty(rest);
        Assert.Null(error);
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
    }

    [Fact]
    public async Task HandlerThrowsMidStream_ErrorJsonArrivesAfterTheMessagesSent()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Fail");
        await client.SendJsonAsync(new CountRequest(3));

        var (messages, error, status) = await client.ReadToEndAsync();

        Assert.Equal(3, messages.Count);
        Assert.Equal(409, error!.Code);
        Assert.Equal("ran out at 3", error.Detail);
        Assert.Equal(WebSocketCloseStatus.InternalServerError, status);
    }

    [Fact]
    public async Task MalformedMessage_Rejects400AndServerKeepsServing()
    {
        await using (var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Sum"))
        {
            await client.SendAsync("{not json"u8.ToArray());
            var (_, error, status) = await client.ReadToEndAsync();
            Assert.Equal(400, error!.Code);
            Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, status);
        }

        await using var again = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Count");
        await again.SendJsonAsync(new CountRequest(2));
        Assert.Equal(2, (await again.ReadToEndAsync()).Messages.Count);
    }

    [Fact]
    public async Task TextFrame_IsRejected400()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Sum");
        await client.Socket.SendAsync("{\"value\":1}"u8.ToArray(), WebSocketMessageType.Text, true, CancellationToken.None);

        var (_, error, _) = await client.ReadToEndAsync();

        Assert.Equal(400, error!.Code);
        Assert.Contains("binary", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OversizedMessage_Rejects413()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Sum");
        await client.SendJsonAsync(new Number(1, new string('x', 100_000)));

        var (_, error, status) = await client.ReadToEndAsync();

        Assert.Equal(413, error!.Code);
        Assert.Equal(WebSocketCloseStatus.MessageTooBig, status);
    }

    [Fact]
    public async Task ClientAborts_ServerEnumerationIsCancelled()
    {
        var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Forever");
        await client.SendJsonAsync(new CountRequest(0));
        await client.ReadToEndAsync(max: 5);

        await client.DisposeAsync();

        await _serverCancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Deadline_EndsTheWholeStreamWith408()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Forever", configure: o => o.SetRequestHeader("Timeout", "3000000000")); // 3 s: messages flow first even on a loaded machine
        await client.SendJsonAsync(new CountRequest(0));

        var (messages, error, _) = await client.ReadToEndAsync();

        Assert.NotEmpty(messages);
        Assert.Equal(408, error!.Code);
    }

    [Fact]
    public async Task Deadline_FiresWhileASendWaitsOnTheCaller_StillEndsWith408()
    {
        // The caller reads nothing until the deadline has passed, so the server is blocked in a send when it fires.
        // Cancelling that send would abort the connection (a reset, no error); the send must finish and the 408 follow.
        // The server's clock is a fake one, moved only once the flood has filled the socket buffers and stalled: on the
        // real clock a loaded machine could let the deadline pass before the first message was sent.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await MicroTestHost.StartAsync(
            "streams",
            a => a.MapMicroHandler("Stream.Flood", (CountRequest r, MicroContext c) => Flood(r.Size, c.CancellationToken)),
            _registry,
            configureBuilder: b => b.Services.AddSingleton<TimeProvider>(time));
        _floodCancelled = new TaskCompletionSource();
        await using var client = await StreamClient.ConnectAsync(app.BaseAddress(), "/Stream/Flood", configure: o => o.SetRequestHeader("Timeout", "1000000000"));
        await client.SendJsonAsync(new CountRequest(0, Size: 1 << 20));
        var produced = await Poll.SettledAsync(() => Volatile.Read(ref _floodProduced), quiet: TimeSpan.FromSeconds(1), within: TimeSpan.FromSeconds(30));
        Assert.False(_floodCancelled.Task.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await _floodCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var (messages, error, _) = await client.ReadToEndAsync();

        Assert.InRange(produced, 1, 1_000); // stalled in a send, well before the buffers could hold a thousand megabytes
        Assert.NotEmpty(messages);
        Assert.Equal(408, error!.Code);
    }

    [Theory]
    [InlineData("0", 408)]
    [InlineData("soon", 400)]
    public async Task Upgrade_ExpiredOrInvalidTimeout_AnswersWithHttpError(string timeout, int code)
    {
        using var http = new HttpClient { BaseAddress = _app.BaseAddress() };
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Stream/Forever");
        request.Headers.TryAddWithoutValidation("Timeout", timeout);
        request.Headers.TryAddWithoutValidation("Connection", "Upgrade");
        request.Headers.TryAddWithoutValidation("Upgrade", "websocket");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Version", "13");
        request.Headers.TryAddWithoutValidation("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");

        using var response = await http.SendAsync(request);

        Assert.Equal(code, (int)response.StatusCode);
        Assert.Equal(code, MicroException.Parse(await response.Content.ReadAsStringAsync()).Code);
    }

    [Fact]
    public async Task Upgrade_HugeTimeout_StreamsNormally()
    {
        await using var client = await StreamClient.ConnectAsync(_app.BaseAddress(), "/Stream/Count", configure: o => o.SetRequestHeader("Timeout", "9223372036854775807"));
        await client.SendJsonAsync(new CountRequest(3));

        var (messages, error, status) = await client.ReadToEndAsync();

        Assert.Null(error);
        Assert.Equal(3, messages.Count);
    }

    [Fact]
    public async Task PlainPost_ToStreamEndpoint_Explains405()
    {
        using var http = new HttpClient { BaseAddress = _app.BaseAddress() };

        using var response = await http.PostAsJsonAsync("/Stream/Count", new CountRequest(1));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("open a WebSocket", MicroException.Parse(await response.Content.ReadAsStringAsync()).Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registry_DescribesStreamsWithStreamTrue()
    {
        var service = Assert.Single(await _registry.GetServiceAsync("streams"));

        Assert.All(service.Endpoints, e => Assert.Equal("true", e.Metadata["stream"]));
        Assert.Equal("CountRequest", service.Endpoints.Single(e => e.Name == "Stream.Count").Request!.Name);
        Assert.Equal("Number", service.Endpoints.Single(e => e.Name == "Stream.Sum").Request!.Name);
    }

    private static async IAsyncEnumerable<Number> Count(CountRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < request.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new Number(i);
            await Task.Yield();
        }
    }

    private static async IAsyncEnumerable<Number> Double(IAsyncEnumerable<Number> numbers, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var n in numbers.WithCancellation(cancellationToken))
        {
            yield return new Number(n.Value * 2);
        }
    }

    private static async IAsyncEnumerable<Number> FailAfter(int count)
    {
        for (var i = 0; i < count; i++)
        {
            yield return new Number(i);
        }

        await Task.Yield();
        throw MicroException.Conflict("streams", $"ran out at {count}");
    }

    private async IAsyncEnumerable<Number> Flood(int size, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cancelled = cancellationToken.Register(() => _floodCancelled?.TrySetResult());
        var padding = new string('x', size);
        for (var i = 0; ; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            Interlocked.Increment(ref _floodProduced);
            yield return new Number(i, padding);
        }
    }

    private async IAsyncEnumerable<Number> Forever([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var i = 0;
        try
        {
            while (true)
            {
                await Task.Delay(10, cancellationToken);
                yield return new Number(i++);
            }
        }
        finally
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _serverCancelled.TrySetResult();
            }
        }
    }
}
