using System.Collections.Concurrent;
using System.Collections.Frozen;
using MicroHosting.Codecs;
using MicroHosting.Internal;
using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A node as the client uses it, prepared once per registry snapshot: which protocol it speaks, whether it takes
/// protobuf, its base address and the request URIs of the endpoints called on it, so a call builds no URI.
/// </summary>
internal sealed class NodeCandidate
{
    private readonly ConcurrentDictionary<string, Uri> _endpointUris = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Uri> _http2EndpointUris = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Uri> _grpcUris = new(StringComparer.Ordinal);
    private FrozenSet<string>? _idempotent;

    public NodeCandidate(MicroService service, MicroNode node, NodeState state)
    {
        Service = service;
        Node = node;
        State = state;
        var metadata = node.Metadata;
        Native = metadata.TryGetValue("framework", out var framework) && string.Equals(framework, "microhosting", StringComparison.Ordinal);
        Grpc = GrpcWire.IsGrpc(metadata);

        // A MicroHosting node lists what it reads; a Go Micro node always reads protobuf (its default codec).
        AcceptsProtobuf = !Native || (metadata.TryGetValue("content-types", out var types) && types.Contains(MicroContentTypes.Protobuf, StringComparison.Ordinal));
        var scheme = metadata.TryGetValue("secure", out var secure) && string.Equals(secure, "true", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        BaseUri = new Uri($"{scheme}://{node.HostPort}/");

        // A MicroHosting node with Http2Address set registers its cleartext HTTP/2 port; not used over TLS (h2c is cleartext).
        if (Native && scheme == "http" && metadata.TryGetValue("h2c", out var h2c)
            && int.TryParse(h2c, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535)
        {
            Http2BaseUri = new UriBuilder(BaseUri) { Port = port }.Uri;
        }
    }

    public MicroService Service { get; }

    /// <summary>Gets whether the node's registration declares the endpoint idempotent (endpoint metadata <c>idempotent=true</c>).</summary>
    public bool IsIdempotent(string endpoint)
    {
        var idempotent = _idempotent ??= IdempotentEndpoints(Service);
        return idempotent.Count != 0 && idempotent.Contains(endpoint);
    }

    public MicroNode Node { get; }

    public NodeState State { get; }

    /// <summary>Gets whether the node is MicroHosting (native <c>POST /Type/Method</c>); otherwise Go Micro's <c>POST /</c>.</summary>
    public bool Native { get; }

    /// <summary>Gets whether the node registered <c>protocol=grpc</c>: it is called over gRPC (<see cref="GrpcWire"/>), MicroHosting or not, streams included (<see cref="GrpcStreamChannel"/>).</summary>
    public bool Grpc { get; }

    public bool AcceptsProtobuf { get; }

    public Uri BaseUri { get; }

    /// <summary>Gets the base address of the node's cleartext HTTP/2 listener (metadata <c>h2c=&lt;port&gt;</c>), or <see langword="null"/> without one.</summary>
    public Uri? Http2BaseUri { get; }

    /// <summary>Gets the URI an attempt posts to: the endpoint's path on a native node, <c>/</c> on a Go Micro node.</summary>
    public Uri UriFor(string endpoint)
        => Native ? _endpointUris.GetOrAdd(endpoint, static (name, baseUri) => new Uri(baseUri, EndpointPath(name)), BaseUri) : BaseUri;

    /// <summary>Gets the endpoint's URI on the node's HTTP/2 listener; only for a node with <see cref="Http2BaseUri"/>.</summary>
    public Uri Http2UriFor(string endpoint)
        => _http2EndpointUris.GetOrAdd(endpoint, static (name, baseUri) => new Uri(baseUri, EndpointPath(name)), Http2BaseUri!);

    /// <summary>Gets the URI of a gRPC call of the endpoint on this node (<see cref="GrpcWire.PathOf"/>).</summary>
    public Uri GrpcUriFor(string service, string endpoint)
        => _grpcUris.GetOrAdd(
            endpoint,
            static (name, args) => new Uri(args.BaseUri, GrpcWire.PathOf(args.Service, MicroEndpointName.TryParse(name, out var parsed) ? parsed : throw new ArgumentException($"Endpoint '{name}' is not Type.Method.", nameof(endpoint)))),
            (BaseUri, Service: service));

    private static FrozenSet<string> IdempotentEndpoints(MicroService service)
        => service.Endpoints is not { Count: > 0 } endpoints
            ? FrozenSet<string>.Empty
            : endpoints.Where(e => e.Metadata.TryGetValue(MicroEndpointMetadataKeys.Idempotent, out var value) && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
                .Select(e => e.Name).ToFrozenSet(StringComparer.Ordinal);

    public static string EndpointPath(string endpoint) => MicroEndpointName.PathOf(endpoint);
}
