using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using MicroHosting.Codecs;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// How an attempt speaks to its node: the one choice point between protocols in the call core. The attempt step
/// (<see cref="MicroAttempt"/>) picks the node, and the node's wire (<see cref="For"/>, decided by its registration)
/// shapes the request (URI, HTTP version, protocol headers) and reads the reply back into the native form (status =
/// the error's code, error JSON as the body), so retries, health and decoding never look at the protocol. A new wire
/// (gRPC over HTTP/2, say) is a subclass and one line in <see cref="For"/>.
/// </summary>
internal abstract class MicroWire
{
    /// <summary>Gets the wire's name, for diagnostics.</summary>
    public abstract string Name { get; }

    /// <summary>Gets whether the wire carries MicroHosting streams (server, client and bidirectional streaming).</summary>
    public virtual bool CanStream => false;

    /// <summary>
    /// The wire of a node: gRPC for a node that registered <c>protocol=grpc</c> (Go Micro v2's default, or MicroHosting
    /// with <c>Micro:Server=grpc</c>), native MicroHosting HTTP for another MicroHosting node, else Go Micro's HTTP protocol.
    /// </summary>
    public static MicroWire For(NodeCandidate node) => node.Grpc ? GrpcWire.Instance : node.Native ? NativeHttpWire.Instance : GoMicroHttpWire.Instance;

    /// <summary>Gets the codec that encodes the body on this wire, around the one the attempt chose; the default is that one.</summary>
    public virtual MicroCodec BodyCodec(MicroCodec codec) => codec;

    /// <summary>Points an attempt's request at <paramref name="node"/> in the wire's form (URI, version, protocol headers).</summary>
    public abstract void Shape(HttpRequestMessage request, MicroCallState state, NodeCandidate node, MicroClientRuntime runtime);

    /// <summary>
    /// Gets the <c>Accept</c> a typed call's request carries on this wire, for a body in <paramref name="codec"/>: by
    /// default the body's own content type (what Go Micro's HTTP transport sends), or <see langword="null"/> for none
    /// where the node answers in the request's codec without one.
    /// </summary>
    public virtual string? Accept(MicroCodec codec) => codec.ContentType;

    /// <summary>
    /// Writes what is left of the call's budget on an attempt's request, in the wire's form, after <see cref="Shape"/>,
    /// replacing the one an earlier attempt on this wire wrote. The default is Go Micro's <c>Timeout</c> (integer nanoseconds).
    /// </summary>
    public virtual void SetBudget(HttpRequestHeaders headers, TimeSpan left) => SetTimeout(headers, left);

    /// <summary>
    /// Takes off the headers only this wire puts on a request (its protocol headers and its form of the budget), before a
    /// retry shapes the request for a node of another wire (<see cref="MicroCallState.ShapedBy"/>): each wire cleans up
    /// after itself, so no attempt carries what an earlier attempt's protocol needed.
    /// </summary>
    public abstract void RemoveHeaders(HttpRequestHeaders headers);

    /// <summary>Turns the node's reply into the native form; the default takes it as it is.</summary>
    public virtual HttpResponseMessage Read(HttpResponseMessage response, HttpRequestMessage request) => response;

    /// <summary>Opens one attempt's stream on its node in the wire's form (<see cref="CanStream"/> wires only).</summary>
    public virtual ValueTask<MicroStreamChannel> OpenStreamAsync(MicroStreamOpening opening, CancellationToken cancellationToken)
        => throw new NotSupportedException($"The {Name} wire carries no streams.");

    /// <summary>Sets Go Micro's <c>Timeout</c> header: <paramref name="left"/> in integer nanoseconds.</summary>
    protected static void SetTimeout(HttpRequestHeaders headers, TimeSpan left)
    {
        headers.Remove(MicroHeaders.Timeout);
        headers.TryAddWithoutValidation(MicroHeaders.Timeout, (left.Ticks * 100).ToString(CultureInfo.InvariantCulture));
    }

    protected static void SetVersion(HttpRequestMessage request, bool http2)
    {
        if (http2)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
        else if (request.Version == HttpVersion.Version20)
        {
            // An earlier attempt of this call went to an HTTP/2 node; this node speaks HTTP/1.1 on its main port.
            request.Version = HttpVersion.Version11;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }
    }
}
