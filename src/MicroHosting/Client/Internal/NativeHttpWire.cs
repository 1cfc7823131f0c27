using System.Net;
using System.Net.Http.Headers;
using MicroHosting.Codecs;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// MicroHosting's own protocol: <c>POST /Type/Method</c>, HTTP/1.1 or h2c, errors as status + error JSON; streams over
/// WebSockets. A unary request carries the budget as <c>grpc-timeout</c> (see <see cref="SetBudget"/>).
/// </summary>
internal sealed class NativeHttpWire : MicroWire
{
    public static readonly NativeHttpWire Instance = new();

    public override string Name => "microhosting";

    public override bool CanStream => true;

    public override void Shape(HttpRequestMessage request, MicroCallState state, NodeCandidate node, MicroClientRuntime runtime)
    {
        // h2c when the node listens for it: many calls share few multiplexed connections. Exact version: a
        // failure there is a transport failure of this attempt (retried, the node ejected), not a silent downgrade.
        var http2 = node.Http2BaseUri is not null && runtime.Options.UseHttp2;
        var endpointCall = state.Body is not null || (state.Endpoint is { } e && state.PathAndQuery == NodeCandidate.EndpointPath(e));
        request.RequestUri = http2
            ? (endpointCall ? node.Http2UriFor(state.Endpoint!) : new Uri(node.Http2BaseUri!, state.PathAndQuery))
            : (endpointCall ? node.UriFor(state.Endpoint!) : new Uri(node.BaseUri, state.PathAndQuery));
        SetVersion(request, http2);
        if (!http2 && runtime.Options.UseHttp2 && node.BaseUri.Scheme == Uri.UriSchemeHttps)
        {
            // TLS: offer HTTP/2 by ALPN on the node's main port; a node that only takes HTTP/1.1 gets HTTP/1.1.
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
    }

    /// <summary>
    /// The budget as <c>grpc-timeout</c> (the finest unit within 8 digits, rounded down), not Go Micro's <c>Timeout</c>:
    /// a header Kestrel knows, so it stores it without its unknown-header dictionary and a string for the name, and
    /// 8 characters or fewer against 10 or more: the server allocates 74-81 B less per call (unary benchmark, HTTP/1.1 and
    /// h2c, small JSON 913 -> 835 B). MicroHosting servers have read it since the gRPC wire (the shorter of the two wins),
    /// so older MicroHosting nodes get the same deadline.
    /// </summary>
    public override void SetBudget(HttpRequestHeaders headers, TimeSpan left)
    {
        headers.Remove(GrpcTimeout.Header);
        headers.TryAddWithoutValidation(GrpcTimeout.Header, GrpcTimeout.Format(left, roundUp: false));
    }

    /// <summary>The native wire's own header is its budget, <c>grpc-timeout</c>.</summary>
    public override void RemoveHeaders(HttpRequestHeaders headers) => headers.Remove(GrpcTimeout.Header);

    /// <summary>Streams go over a WebSocket to the endpoint's path (<see cref="WebSocketStreamChannel"/>).</summary>
    public override ValueTask<MicroStreamChannel> OpenStreamAsync(MicroStreamOpening opening, CancellationToken cancellationToken)
        => WebSocketStreamChannel.OpenAsync(opening, StreamUri(opening.Node, opening.State.Endpoint!, opening.Codec), cancellationToken);

    private static Uri StreamUri(NodeCandidate node, string endpoint, MicroCodec codec)
    {
        var scheme = node.BaseUri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";

        // ClientWebSocket cannot send Content-Type on the upgrade; the server also reads it from the query.
        return new Uri($"{scheme}://{node.BaseUri.Authority}{NodeCandidate.EndpointPath(endpoint)}?content-type={Uri.EscapeDataString(codec.ContentType)}");
    }
}
