using System.Net;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;

namespace MicroHosting.Tests.Client.Internal;

/// <summary>The wire choice point: a node's registration decides how an attempt's request is shaped and its reply read.</summary>
public sealed class MicroWireTests
{
    [Fact]
    public void For_MicroHostingNode_Native_OtherNode_GoMicro()
    {
        Assert.Same(NativeHttpWire.Instance, MicroWire.For(Candidate(new Dictionary<string, string> { ["framework"] = "microhosting" })));
        Assert.Same(GoMicroHttpWire.Instance, MicroWire.For(Candidate(new Dictionary<string, string>())));
        Assert.True(NativeHttpWire.Instance.CanStream);
        Assert.False(GoMicroHttpWire.Instance.CanStream);
    }

    [Fact]
    public async Task GoMicroRead_MicroErrorOn200_BecomesTheStatusItNames()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/");
        var reply = new HttpResponseMessage(HttpStatusCode.OK);
        reply.Headers.TryAddWithoutValidation("Micro-Error", """{"id":"go.micro.server","code":404,"detail":"not found","status":"Not Found"}""");

        using var read = GoMicroHttpWire.Instance.Read(reply, request);

        Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        Assert.Contains("\"code\":404", await read.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void NativeRead_TakesTheReplyAsItIs()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/Greeter/Hello");
        using var reply = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);

        Assert.Same(reply, NativeHttpWire.Instance.Read(reply, request));
    }

    private static NodeCandidate Candidate(Dictionary<string, string> metadata)
    {
        var node = new MicroNode { Id = "n1", Address = "127.0.0.1", Port = 1, Metadata = metadata };
        return new NodeCandidate(new MicroService { Name = "s", Nodes = [node] }, node, new NodeState("127.0.0.1:1"));
    }
}
