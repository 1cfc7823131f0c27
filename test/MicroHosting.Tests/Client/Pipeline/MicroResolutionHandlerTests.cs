using System.Globalization;
using System.Net;
using MicroHosting.Client;
using MicroHosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace MicroHosting.Tests.Client.Pipeline;

/// <summary>One attempt through <c>MicroResolutionHandler</c>: the node it goes to, the request shaped for that node's wire, and the outcome recorded for that node.</summary>
public sealed class MicroResolutionHandlerTests : IAsyncDisposable
{
    private readonly ClientPipeline _pipeline = new();

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task SendAsync_NativeNode_PostsTheEncodedBodyToTheEndpointPathOnThatNode()
    {
        var node = await _pipeline.AddNodeAsync(50001);
        var state = _pipeline.State();
        using var request = ClientPipeline.Request(state);
        using var invoker = _pipeline.Resolution();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = Assert.Single(_pipeline.Stub.Sent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Uri("http://127.0.0.1:50001/Greeter/Hello"), sent.Uri);
        Assert.Equal(HttpVersion.Version11, sent.Version);
        Assert.Equal("application/json", sent.Header("Accept"));
        Assert.Contains("\"John\"", sent.Body, StringComparison.Ordinal);
        Assert.Null(sent.Header("Micro-Service")); // Go Micro's headers only go to Go Micro nodes
        Assert.True(GrpcTimeout.TryParse(sent.Header("grpc-timeout"), out var left) && left > TimeSpan.Zero); // what is left of the budget
        Assert.Null(sent.Header("Timeout")); // Go Micro's form goes to Go Micro nodes only
        Assert.Equal(node.Id, state.Node!.Node.Id);
        Assert.Equal(1, state.Attempts);
    }

    [Fact]
    public async Task SendAsync_GoMicroNode_PostsToTheRootWithTheServiceAndEndpointHeaders()
    {
        await _pipeline.AddNodeAsync(50002, native: false);
        using var request = ClientPipeline.Request(_pipeline.State());
        using var invoker = _pipeline.Resolution();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = Assert.Single(_pipeline.Stub.Sent);
        Assert.Equal(new Uri("http://127.0.0.1:50002/"), sent.Uri);
        Assert.Equal("greeter", sent.Header("Micro-Service"));
        Assert.Equal("greeter", sent.Header("X-Micro-Service"));
        Assert.Equal("Greeter.Hello", sent.Header("Micro-Endpoint"));
        Assert.Equal("Greeter.Hello", sent.Header("Micro-Method"));
        Assert.Contains("\"John\"", sent.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_RetryFromNativeToGoMicroAndBack_EachAttemptCarriesItsWiresBudgetAndAcceptOnly()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pipeline = new ClientPipeline(configure: services => services.AddSingleton<TimeProvider>(time));
        await pipeline.AddNodeAsync(50021);
        await pipeline.AddNodeAsync(50022, native: false);
        await pipeline.AddNodeAsync(50023);
        var port = 50021;
        var state = pipeline.State(new MicroCallOptions { Timeout = TimeSpan.FromSeconds(5), Filter = (_, node) => node.Port == port });
        using var request = ClientPipeline.Request(state);
        using var invoker = pipeline.Resolution();

        foreach (var next in new[] { 50021, 50022, 50023 })
        {
            port = next; // one attempt per send, on the one node the filter lets through
            using var response = await invoker.SendAsync(request, CancellationToken.None);
        }

        var sent = pipeline.Stub.Sent;
        Assert.Equal(["127.0.0.1:50021", "127.0.0.1:50022", "127.0.0.1:50023"], sent.Select(s => s.HostPort));

        // Native: the 5 s budget (the fake clock stands still) as grpc-timeout, no Timeout.
        // Go Micro: its Timeout in nanoseconds, as before; no grpc-timeout left from the native attempt.
        Assert.Equal(("5000000u", null, "application/json"), Budget(sent[0]));
        Assert.Equal((null, "5000000000", "application/json"), Budget(sent[1]));
        Assert.Equal(("5000000u", null, "application/json"), Budget(sent[2]));
        Assert.Equal("greeter", sent[1].Header("Micro-Service"));
        Assert.Null(sent[2].Header("Micro-Service"));
        Assert.All(sent, s => Assert.Contains("\"John\"", s.Body, StringComparison.Ordinal));

        static (string? GrpcTimeout, string? Timeout, string? Accept) Budget(SentRequest sent)
            => (sent.Header("grpc-timeout"), sent.Header("Timeout"), sent.Header("Accept"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SendAsync_RetryFromGrpcNodeToNodeOfAnotherWire_CarriesNoGrpcHeaders(bool native)
    {
        const int grpcPort = 50031, otherPort = 50032;
        await _pipeline.AddNodeAsync(grpcPort, grpc: true);
        await _pipeline.AddNodeAsync(otherPort, native);
        var stub = _pipeline.Stub;
        stub.Respond = (sent, _) => Task.FromResult(new HttpResponseMessage(
            sent.Uri.Port == grpcPort ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK) { Content = new StringContent("{}") });
        var state = _pipeline.State(new MicroCallOptions { Filter = (_, node) => node.Port == (stub.Sent.Count == 0 ? grpcPort : otherPort) });
        using var request = ClientPipeline.Request(state);
        using var invoker = _pipeline.Call();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = stub.Sent;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([$"127.0.0.1:{grpcPort}", $"127.0.0.1:{otherPort}"], sent.Select(s => s.HostPort));
        Assert.Equal("trailers", sent[0].Header("TE"));
        Assert.Null(sent[1].Header("TE"));
        if (native)
        {
            // The native wire's own budget (rounded down), not the gRPC attempt's; no Go Micro Timeout.
            Assert.True(GrpcTimeout.TryParse(sent[1].Header("grpc-timeout"), out var left) && left > TimeSpan.Zero);
            Assert.Null(sent[1].Header("Timeout"));
        }
        else
        {
            Assert.Null(sent[1].Header("grpc-timeout"));
            Assert.NotNull(sent[1].Header("Timeout"));
            Assert.Equal("greeter", sent[1].Header("Micro-Service"));
        }
    }

    [Fact]
    public async Task SendAsync_GoMicroErrorIn200_ReadAsTheStatusItsCodeNames_NodeNotCharged()
    {
        var node = await _pipeline.AddNodeAsync(50003, native: false);
        _pipeline.Stub.Respond = (_, _) =>
        {
            var reply = new HttpResponseMessage(HttpStatusCode.OK);
            reply.Headers.TryAddWithoutValidation("Micro-Error", """{"id":"greeter","code":404,"detail":"no such user"}""");
            return Task.FromResult(reply);
        };
        using var request = ClientPipeline.Request(_pipeline.State());
        using var invoker = _pipeline.Resolution();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("no such user", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, _pipeline.Health(node).Failures);
    }

    [Fact]
    public async Task SendAsync_NoNodeRegistered_ThrowsNodeNotFoundNamingTheService_SendsNothing()
    {
        await _pipeline.AddNodeAsync(50004, service: "greeter");
        using var request = ClientPipeline.Request(_pipeline.State(service: "billing"));
        using var invoker = _pipeline.Resolution();

        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal("billing", error.Service);
        Assert.Equal(500, error.Code);
        Assert.StartsWith("service billing: not found", error.Detail, StringComparison.Ordinal);
        Assert.Empty(_pipeline.Stub.Sent);
    }

    [Fact]
    public async Task SendAsync_ServerError_CountsAgainstThePickedNodeOnly()
    {
        var first = await _pipeline.AddNodeAsync(50005);
        var second = await _pipeline.AddNodeAsync(50006);
        _pipeline.Stub.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError));
        var state = _pipeline.State();
        using var request = ClientPipeline.Request(state);
        using var invoker = _pipeline.Resolution();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var picked = state.Node!.Node.Id == first.Id ? first : second;
        var other = picked == first ? second : first;
        Assert.Equal(picked.HostPort, Assert.Single(_pipeline.Stub.Sent).HostPort);
        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(500, state.FailedStatus);
        Assert.Equal(1, _pipeline.Health(picked).Failures);
        Assert.Equal(0, _pipeline.Health(other).Failures);
    }

    [Fact]
    public async Task SendAsync_ConnectionRefused_EjectsThePickedNode_MarksTheRequestNotSent()
    {
        var first = await _pipeline.AddNodeAsync(50007);
        var second = await _pipeline.AddNodeAsync(50008);
        _pipeline.Stub.Respond = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");
        var state = _pipeline.State();
        using var request = ClientPipeline.Request(state);
        using var invoker = _pipeline.Resolution();

        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(request, CancellationToken.None));

        var picked = state.Node!.Node.Id == first.Id ? first : second;
        var other = picked == first ? second : first;
        Assert.True(state.NotSent);
        Assert.True(_pipeline.Runtime.Health.IsEjected(_pipeline.Health(picked)));
        Assert.False(_pipeline.Runtime.Health.IsEjected(_pipeline.Health(other)));
        Assert.StartsWith($"{picked.Id}@{picked.HostPort}: ", Assert.Single(state.Failures!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendAsync_CountsTheAttemptAsOutstandingOnItsNodeUntilItEnds()
    {
        var node = await _pipeline.AddNodeAsync(50009);
        var during = -1;
        _pipeline.Stub.Respond = (_, _) =>
        {
            during = _pipeline.Health(node).Outstanding;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        };
        using var request = ClientPipeline.Request(_pipeline.State());
        using var invoker = _pipeline.Resolution();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(1, during); // what the p2c selector weighs
        Assert.Equal(0, _pipeline.Health(node).Outstanding);
    }

    [Fact]
    public async Task SendAsync_NodeSilentPastTheAttemptTimeout_FailsTheAttempt_ChargesTheNode()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pipeline = new ClientPipeline(
            new() { ["Micro:Client:AttemptTimeout"] = "00:00:01" },
            services => services.AddSingleton<TimeProvider>(time));
        var node = await pipeline.AddNodeAsync(50010);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Stub.Respond = async (_, token) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        var state = pipeline.State();
        using var request = ClientPipeline.Request(state);
        using var invoker = pipeline.Resolution();

        var send = invoker.SendAsync(request, CancellationToken.None);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => send.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("no reply within the attempt timeout of 1s", error.Message, StringComparison.Ordinal);
        Assert.True(state.AttemptTimedOut);
        Assert.Equal(1, pipeline.Health(node).Failures);
        Assert.Equal(0, pipeline.Health(node).Outstanding);
    }
}
