using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using MicroHosting.Codecs;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Calls a node that registered <c>protocol=grpc</c> (a Go Micro v2 service's default, or MicroHosting with
/// <c>Micro:Server=grpc</c>) in gRPC's shape: HTTP/2 (cleartext with prior knowledge, or TLS when the node says
/// <c>secure=true</c>), <c>POST /&lt;service&gt;.&lt;Type&gt;/&lt;Method&gt;</c>, one gRPC-framed message, <c>te: trailers</c>,
/// the deadline as <c>grpc-timeout</c> and as Go Micro's <c>timeout</c> (nanoseconds). The reply's <c>grpc-status</c>,
/// from the trailers or a trailers-only reply, is turned into the status and error JSON a native node answers with.
/// </summary>
internal sealed class GrpcWire : MicroWire
{
    public static readonly GrpcWire Instance = new();

    private const string StatusHeader = "grpc-status";
    private const string MessageHeader = "grpc-message";
    private const string TeHeader = "TE";
    /// <summary>The <c>grpc-status-details-bin</c> trailer (a google.rpc.Status, base64), and the key it is kept under in an error's <see cref="Exception.Data"/>.</summary>
    public const string DetailsHeader = "grpc-status-details-bin";
    private static readonly ConditionalWeakTable<MicroCodec, GrpcFramedMicroCodec> Framed = [];

    /// <summary>Gets whether a node's registration says it speaks gRPC (<c>protocol=grpc</c>).</summary>
    public static bool IsGrpc(IReadOnlyDictionary<string, string> metadata)
        => metadata.TryGetValue("protocol", out var protocol) && string.Equals(protocol, "grpc", StringComparison.Ordinal);

    /// <summary>
    /// Gets the path of a call: <c>/&lt;service&gt;.&lt;Type&gt;/&lt;Method&gt;</c>, what Go Micro v2's gRPC client sends. Its
    /// server (and MicroHosting's) routes by the part after the last dot, so the service name costs nothing there, and a
    /// gRPC server whose <c>.proto</c> package is the service name (Go Micro's convention) matches it exactly.
    /// </summary>
    public static string PathOf(string service, MicroEndpointName endpoint)
        => string.Concat("/", service, ".", endpoint.Type, "/", endpoint.Method);

    public override string Name => "grpc";

    /// <summary>gRPC streams: server, client and bidirectional streaming are one HTTP/2 call each (<see cref="GrpcStreamChannel"/>).</summary>
    public override bool CanStream => true;

    /// <summary>The gRPC framing around the codec the call chose for the node (JSON or protobuf, or raw bytes).</summary>
    public override MicroCodec BodyCodec(MicroCodec codec)
        => codec as GrpcFramedMicroCodec ?? Framed.GetValue(codec, static inner => new GrpcFramedMicroCodec(ContentTypeOf(inner), inner));

    /// <summary>Points one attempt at a gRPC node: URI, HTTP/2 and gRPC's headers; Go Micro's <c>timeout</c> is added by the attempt.</summary>
    public override void Shape(HttpRequestMessage request, MicroCallState state, NodeCandidate node, MicroClientRuntime runtime)
    {
        var endpoint = state.Endpoint;
        if (state.Body is null || endpoint is null)
        {
            throw new MicroException(
                MicroClientErrors.Id,
                400,
                $"node {node.Node.Id} speaks gRPC, which takes typed calls of an endpoint: the request path '{state.PathAndQuery}' is not a call of /Type/Method with a message");
        }

        request.RequestUri = node.GrpcUriFor(state.Service, endpoint);
        SetVersion(request, http2: true); // cleartext with prior knowledge, or TLS (https, secure=true) with ALPN h2
        AddCallHeaders(request.Headers, TimeSpan.FromTicks(Math.Max(1, state.Plan.Deadline - runtime.TimeProvider.GetUtcNow().UtcTicks)));
    }

    /// <summary>No <c>Accept</c>: a gRPC server answers in the request's framing.</summary>
    public override string? Accept(MicroCodec codec) => null;

    /// <summary>Go Micro's <c>timeout</c> (nanoseconds) beside the <c>grpc-timeout</c> <see cref="Shape"/> wrote: Go Micro v2's gRPC server reads the former.</summary>
    public override void SetBudget(HttpRequestHeaders headers, TimeSpan left) => SetTimeout(headers, left);

    /// <summary>Removes <c>te: trailers</c> and both forms of the budget, before an attempt on a node of another wire.</summary>
    public override void RemoveHeaders(HttpRequestHeaders headers)
    {
        headers.Remove(TeHeader);
        headers.Remove(GrpcTimeout.Header);
        headers.Remove(MicroHeaders.Timeout);
    }

    /// <summary>A stream on the node: one HTTP/2 gRPC call carrying every message (<see cref="GrpcStreamChannel"/>).</summary>
    public override ValueTask<MicroStreamChannel> OpenStreamAsync(MicroStreamOpening opening, CancellationToken cancellationToken)
        => GrpcStreamChannel.OpenAsync(opening, cancellationToken);

    /// <summary>gRPC's request headers of every call and stream: <c>te: trailers</c>, and the time left as <c>grpc-timeout</c> when there is a deadline.</summary>
    public static void AddCallHeaders(HttpRequestHeaders headers, TimeSpan? left)
    {
        headers.Remove(TeHeader);
        headers.TryAddWithoutValidation(TeHeader, "trailers");
        headers.Remove(GrpcTimeout.Header);
        if (left is { } value)
        {
            headers.TryAddWithoutValidation(GrpcTimeout.Header, GrpcTimeout.Format(value));
        }
    }

    /// <summary>
    /// Turns a gRPC reply into a native one: <c>grpc-status: 0</c> keeps the framed reply (its content type's codec
    /// reads it); another status becomes a response with the error's code and Go Micro's error JSON, taken from
    /// <c>grpc-message</c> when it holds one, else built from the status (see <see cref="GrpcStatusMap.ToMicroCode"/>).
    /// </summary>
    public override HttpResponseMessage Read(HttpResponseMessage response, HttpRequestMessage request)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return response; // an HTTP-level answer (a proxy, or not a gRPC server): reported as such
        }

        if (ErrorOf(response, MicroCallState.Get(request)?.Node?.Node) is not { } error)
        {
            return response;
        }

        var json = error.ToJson();
        var normalised = new HttpResponseMessage(error.Code is >= 400 and <= 599 ? (HttpStatusCode)error.Code : HttpStatusCode.InternalServerError)
        {
            RequestMessage = request,
            Version = response.Version,
            Content = new StringContent(json, System.Text.Encoding.UTF8, MediaTypeHeaderValue.Parse("application/json")),
        };
        normalised.Headers.TryAddWithoutValidation(MicroHeaders.Error, json);
        if (error.Data[DetailsHeader] is string details)
        {
            normalised.Headers.TryAddWithoutValidation(DetailsHeader, details); // MicroCaller puts it back on the error it throws
        }
        response.Dispose();
        return normalised;
    }

    /// <summary>
    /// The error a gRPC reply ended with, from its trailers or a trailers-only reply's headers, or <see langword="null"/>
    /// for <c>grpc-status: 0</c>: Go Micro's error JSON from <c>grpc-message</c> when it holds one, else an error whose
    /// code is mapped from the status (<see cref="GrpcStatusMap.ToMicroCode"/>) and whose detail is the message. A reply
    /// without a (numeric) <c>grpc-status</c> is a 502. The one rule for unary calls and streams. A
    /// <c>grpc-status-details-bin</c> (google.rpc.Status, which Go Micro v2's server also sends) is not decoded: it is
    /// kept, as received (base64), in the error's <see cref="Exception.Data"/> under <c>grpc-status-details-bin</c>.
    /// </summary>
    public static MicroException? ErrorOf(HttpResponseMessage response, Registry.MicroNode? node)
    {
        // A trailers-only reply carries the status in its one header block.
        var status = Value(response.TrailingHeaders, StatusHeader) ?? Value(response.Headers, StatusHeader);
        if (status == "0")
        {
            return null;
        }

        MicroException error;
        if (status is null || !int.TryParse(status, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new MicroException(
                MicroClientErrors.Id,
                502,
                $"node {node?.Id} at {node?.HostPort} registered protocol=grpc but its reply has {(status is null ? "no grpc-status" : $"grpc-status '{status}'")}");
        }

        var message = GrpcMessageEncoding.Decode(Value(response.TrailingHeaders, MessageHeader) ?? Value(response.Headers, MessageHeader) ?? string.Empty);
        error = MicroException.Parse(message);
        if (error.Code == 0)
        {
            // Not Go Micro's error JSON (a stock gRPC server, or Go's own "unknown service" text): the status says what it was.
            error = new MicroException(MicroClientErrors.Id, GrpcStatusMap.ToMicroCode(code), message.Length > 0 ? message : $"grpc-status {code}");
        }

        if ((Value(response.TrailingHeaders, DetailsHeader) ?? Value(response.Headers, DetailsHeader)) is { Length: > 0 } details)
        {
            error.Data[DetailsHeader] = details;
        }

        return error;
    }

    /// <summary>
    /// Decodes a unary reply whose one frame is compressed (flag 1), in the reply's <c>grpc-encoding</c> (gzip), inflated
    /// up to <paramref name="maxMessageSize"/>. Unary calls do not advertise gzip, so only a server that compresses
    /// regardless sends one.
    /// </summary>
    /// <exception cref="GrpcFrameException">The frame cannot be read or inflates past the limit.</exception>
    /// <exception cref="MicroCodecException">The body is not one whole frame, or the message is not valid for the codec.</exception>
    public static T DecodeCompressed<T>(GrpcFramedMicroCodec codec, ReadOnlyMemory<byte> body, HttpResponseMessage response, long maxMessageSize)
    {
        using var scratch = new PooledBufferWriter();
        var rest = new System.Buffers.ReadOnlySequence<byte>(body);
        if (!GrpcFraming.TryRead(ref rest, maxMessageSize, Value(response.Headers, GrpcFraming.EncodingHeader), scratch, out var message) || !rest.IsEmpty)
        {
            throw new MicroCodecException($"A unary {codec.ContentType} reply is one whole frame; this one has {body.Length} bytes that are not.");
        }

        return codec.DecodeMessage<T>(message);
    }

    /// <summary>The gRPC content type of a codec: <c>application/grpc+json</c>, <c>application/grpc+proto</c> or <c>application/grpc+bytes</c>.</summary>
    public static string ContentTypeOf(MicroCodec codec) => codec.ContentType switch
    {
        var t when t.Contains("json", StringComparison.OrdinalIgnoreCase) => "application/grpc+json",
        var t when t.Contains("proto", StringComparison.OrdinalIgnoreCase) => "application/grpc+proto",
        MicroContentTypes.OctetStream => "application/grpc+bytes",
        var t => throw new MicroException(MicroClientErrors.Id, 400, $"content type '{t}' has no gRPC form; call a gRPC node with application/json or application/protobuf"),
    };

    private static string? Value(HttpHeaders headers, string name)
        => headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}
