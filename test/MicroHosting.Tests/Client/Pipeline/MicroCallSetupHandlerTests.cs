using System.Net;
using System.Text;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace MicroHosting.Tests.Client.Pipeline;

/// <summary>
/// One call through <c>MicroCallSetupHandler</c>: the call's plan (from the request, or the path of a raw request), its
/// headers, and its attempts run through the call pipeline (the retry rule, under the call's budget) down to resolution.
/// </summary>
public sealed class MicroCallSetupHandlerTests : IAsyncDisposable
{
    private readonly ClientPipeline _pipeline = new(new() { ["Micro:Client:RetryDelay"] = "00:00:00.001" });

    public ValueTask DisposeAsync() => _pipeline.DisposeAsync();

    [Fact]
    public async Task SendAsync_RawRequest_GoesToTheEndpointItsPathNames_BodyAsIs()
    {
        await _pipeline.AddNodeAsync(50101);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://greeter/Greeter/Hello")
        {
            Content = new StringContent("""{"name":"Raw"}""", Encoding.UTF8, "application/json"),
        };
        using var invoker = _pipeline.Call(new MicroClientProfile("greeter", Defaults: null));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = Assert.Single(_pipeline.Stub.Sent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new Uri("http://127.0.0.1:50101/Greeter/Hello"), sent.Uri);
        Assert.Equal("""{"name":"Raw"}""", sent.Body);
        Assert.True(Guid.TryParse(sent.Header("Micro-Id"), out _));
    }

    [Fact]
    public async Task SendAsync_RawRequestNotTypeMethodToGoMicroNode_FailsNamingThePath()
    {
        await _pipeline.AddNodeAsync(50102, native: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://greeter/health");
        using var invoker = _pipeline.Call(new MicroClientProfile("greeter", Defaults: null));

        var error = await Assert.ThrowsAsync<MicroException>(() => invoker.SendAsync(request, CancellationToken.None));

        Assert.Equal(400, error.Code);
        Assert.Contains("the request path '/health' is not /Type/Method", error.Detail, StringComparison.Ordinal);
        Assert.Empty(_pipeline.Stub.Sent);
    }

    [Fact]
    public async Task SendAsync_503_RetriedOnTheOtherNode_SameRequestIdAndMetadata()
    {
        await _pipeline.AddNodeAsync(50103);
        await _pipeline.AddNodeAsync(50104);
        RespondFirst(HttpStatusCode.ServiceUnavailable);
        var state = _pipeline.State(new MicroCallOptions { Metadata = new Dictionary<string, string> { ["Tenant"] = "acme" } });
        using var request = ClientPipeline.Request(state);
        using var invoker = _pipeline.Call();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = _pipeline.Stub.Sent;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sent.Count);
        Assert.Equal(2, state.Attempts);
        Assert.NotEqual(sent[0].HostPort, sent[1].HostPort);
        Assert.All(sent, s => Assert.Equal("acme", s.Header("Tenant")));
        Assert.Equal(sent[0].Header("Micro-Id"), sent[1].Header("Micro-Id"));
    }

    [Fact]
    public async Task SendAsync_RawRequest503_RetriedOnTheOtherNode()
    {
        await _pipeline.AddNodeAsync(50105);
        await _pipeline.AddNodeAsync(50106);
        RespondFirst(HttpStatusCode.ServiceUnavailable);
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://greeter/Greeter/Hello") { Content = new StringContent("{}") };
        using var invoker = _pipeline.Call(new MicroClientProfile("greeter", Defaults: null));

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = _pipeline.Stub.Sent;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sent.Count);
        Assert.NotEqual(sent[0].HostPort, sent[1].HostPort);
    }

    [Fact]
    public async Task SendAsync_NonIdempotentHandlerFails500_RunsOnce()
    {
        await _pipeline.AddNodeAsync(50107);
        await _pipeline.AddNodeAsync(50108);
        _pipeline.Stub.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError));
        using var request = ClientPipeline.Request(_pipeline.State());
        using var invoker = _pipeline.Call();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Single(_pipeline.Stub.Sent);
    }

    [Fact]
    public async Task SendAsync_IdempotentHandlerFails500_RetriedOnTheOtherNode()
    {
        await _pipeline.AddNodeAsync(50109);
        await _pipeline.AddNodeAsync(50110);
        RespondFirst(HttpStatusCode.InternalServerError);
        using var request = ClientPipeline.Request(_pipeline.State(new MicroCallOptions { Idempotent = true }));
        using var invoker = _pipeline.Call();

        using var response = await invoker.SendAsync(request, CancellationToken.None);

        var sent = _pipeline.Stub.Sent;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, sent.Count);
        Assert.NotEqual(sent[0].HostPort, sent[1].HostPort);
    }

    [Fact]
    public async Task SendAsync_NodeSilentPastTheCallBudget_TimesOut_ChargesTheNode()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var pipeline = new ClientPipeline(configure: services => services.AddSingleton<TimeProvider>(time));
        var node = await pipeline.AddNodeAsync(50111);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Stub.Respond = async (_, token) =>
        {
            entered.SetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        using var request = ClientPipeline.Request(pipeline.State(new MicroCallOptions { Timeout = TimeSpan.FromSeconds(2) }));
        using var invoker = pipeline.Call();

        var send = invoker.SendAsync(request, CancellationToken.None);
        await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
        time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => send.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Single(pipeline.Stub.Sent);
        Assert.Equal(1, pipeline.Health(node).Failures);
    }

    /// <summary>The first attempt gets <paramref name="status"/>, later ones 200.</summary>
    private void RespondFirst(HttpStatusCode status)
    {
        var calls = 0;
        _pipeline.Stub.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(Interlocked.Increment(ref calls) == 1 ? status : HttpStatusCode.OK));
    }
}
