using System.Text;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client;

/// <summary>Replies a client must survive: garbage bodies, wrong content types, non-error-JSON errors, resets. Each gives a clear exception.</summary>
public sealed class MicroClientBadReplyTests : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();

    public ValueTask DisposeAsync()
    {
        _registry.Dispose();
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task SendAsync_GarbageJsonBody_ThrowsSayingTheReplyIsInvalid()
    {
        await using var server = new BadServer(_ => BadServer.Response("200 OK", "application/json", "{{{not json"));
        var error = await CallAsync<MicroException>(server);

        Assert.Equal((MicroClientErrors.Id, 500), (error.Id, error.Code));
        Assert.StartsWith($"bad Greeter.Hello: node bad-1 at 127.0.0.1:{server.Port} replied with a body that is not valid application/json for HelloReply:", error.Detail, StringComparison.Ordinal);
        Assert.Equal(1, server.Requests); // a reply that arrived is not retried
    }

    [Fact]
    public async Task SendAsync_WrongContentType_ThrowsNamingIt()
    {
        await using var server = new BadServer(_ => BadServer.Response("200 OK", "text/html", "<html>hello</html>"));
        var error = await CallAsync<MicroException>(server);

        Assert.Equal($"bad Greeter.Hello: node bad-1 at 127.0.0.1:{server.Port} replied with Content-Type 'text/html', which no codec reads (<html>hello</html>)", error.Detail);
    }

    [Fact]
    public async Task SendAsync_ProtobufReplyForPlainType_ThrowsNamingTheMismatch()
    {
        await using var server = new BadServer(_ => BadServer.Response("200 OK", "application/protobuf", "\n\u0002hi"));
        var error = await CallAsync<MicroException>(server);

        Assert.EndsWith("replied with application/protobuf, which cannot carry HelloReply", error.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task SendAsync_ProxyErrorPage_RetriedWhenIdempotentThenReportedWithStatus(bool idempotent, int requests)
    {
        await using var server = new BadServer(_ => BadServer.Response("502 Bad Gateway", "text/html", "<h1>upstream down</h1>"));
        var error = await CallAsync<MicroException>(server, idempotent: idempotent);

        Assert.Equal(502, error.Code);
        Assert.Equal($"bad Greeter.Hello: node bad-1 at 127.0.0.1:{server.Port} answered 502 Bad Gateway without error JSON: <h1>upstream down</h1>", error.Detail);
        Assert.Equal(requests, server.Requests); // 502 may come after the handler ran: retried once (the default) only when idempotent
    }

    [Fact]
    public async Task SendAsync_GoMicroPlainTextError_IsCodeZeroAndNotRetried()
    {
        await using var server = new BadServer(_ => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nMicro-Error: rpc: can't find method Nope\r\nContent-Length: 0\r\n\r\n"));
        var error = await CallAsync<MicroException>(server, native: false);

        Assert.Equal((0, "rpc: can't find method Nope"), (error.Code, error.Detail));
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    public async Task SendAsync_ConnectionResetAfterTheRequest_RetriedWhenIdempotentThenThrowsNodesFailed(bool idempotent, int requests)
    {
        await using var server = new BadServer(_ => null);
        var error = await CallAsync<MicroNodesFailedException>(server, idempotent: idempotent);

        Assert.StartsWith($"call to bad Greeter.Hello failed on every node tried ({requests} attempt(s)): bad-1@127.0.0.1:", error.Detail, StringComparison.Ordinal);
        Assert.Equal(requests, server.Requests); // the reset came after the request was read: it may have run
    }

    [Fact]
    public async Task SendAsync_ReplyCutShort_IsATransportFailure()
    {
        await using var server = new BadServer(_ => Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"mess"));
        var sending = CallAsync<MicroNodesFailedException>(server, timeout: TimeSpan.FromSeconds(30));

        // The server keeps the connection open after the partial body; once it is written, disposing the server closes
        // the socket mid-reply.
        Assert.True(await Poll.UntilAsync(() => server.Replied > 0, TimeSpan.FromSeconds(30)));
        await server.DisposeAsync();
        var error = await sending;

        Assert.Equal(1, server.Requests); // the request reached the server: the failure is the cut reply, not a refused connection
        Assert.Contains("bad-1@127.0.0.1:", error.Detail, StringComparison.Ordinal);
    }

    private async Task<TException> CallAsync<TException>(BadServer server, bool native = true, TimeSpan? timeout = null, bool idempotent = false)
        where TException : Exception
    {
        var metadata = native ? new Dictionary<string, string> { ["framework"] = "microhosting" } : new Dictionary<string, string>();
        await _registry.RegisterAsync(new MicroService
        {
            Name = "bad",
            Nodes = [new MicroNode { Id = "bad-1", Address = "127.0.0.1", Port = server.Port, Metadata = metadata }],

            // The registry carries the endpoint's idempotency, as a MicroHosting server registers it.
            Endpoints = idempotent ? [new MicroEndpoint { Name = "Greeter.Hello", Metadata = new Dictionary<string, string> { ["idempotent"] = "true" } }] : [],
        }, TimeSpan.Zero);
        await using var services = TestClient.Create(_registry, new() { ["Micro:Client:RetryDelay"] = "00:00:00.001" });
        var client = services.GetRequiredService<IMicroClient>();
        return await Assert.ThrowsAsync<TException>(() => client.HelloAsync(service: "bad", options: new MicroCallOptions { Timeout = timeout }));
    }
}
