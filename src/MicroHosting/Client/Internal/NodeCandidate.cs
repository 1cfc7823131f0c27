using System.Collections.Concurrent;
using MicroHosting.Codecs;
using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A node as the client uses it, prepared once per registry snapshot: which protocol it speaks, whether it takes
/// protobuf, its base address and the request URIs of the endpoints called on it, so a call builds no URI.
/// </summary>
internal sealed class NodeCandidate
{
    private readonly ConcurrentDictionary<string, Uri> _endpointUris = new(StringComparer.Ordinal);

    public NodeCandidate(MicroService service, MicroNode node, NodeState state)
    {
        Service = service;
        Node = node;
        State = state;
        var metadata = node.Metadata;
        Native = metadata.TryGetValue("framework", out var framework) && string.Equals(framework, "microhosting", StringComparison.Ordinal);

        // A MicroHosting node lists what it reads; a Go Micro node always reads protobuf (its default codec).
        AcceptsProtobuf = !Native || (metadata.TryGetValue("content-types", out var types) && types.Contains(MicroContentTypes.Protobuf, StringComparison.Ordinal));
        var scheme = metadata.TryGetValue("secure", out var secure) && string.Equals(secure, "true", StringComparison.OrdinalIgnoreCase) ? "https" : "http";
        BaseUri = new Uri($"{scheme}://{node.HostPort}/");
    }

    public MicroService Service { get; }

    public MicroNode Node { get; }

    public NodeState State { get; }

    /// <summary>Gets whether the node is MicroHosting (native <c>POST /Type/Method</c>); otherwise Go Micro's <c>POST /</c>.</summary>
    public bool Native { get; }

    public bool AcceptsProtobuf { get; }

    public Uri BaseUri { get; }

    /// <summary>Gets the URI an attempt posts to: the endpoint's path on a native node, <c>/</c> on a Go Micro node.</summary>
    public Uri UriFor(string endpoint)
        => Native ? _endpointUris.GetOrAdd(endpoint, static (name, baseUri) => new Uri(baseUri, EndpointPath(name)), BaseUri) : BaseUri;

    public static string EndpointPath(string endpoint)
    {
        var dot = endpoint.IndexOf('.', StringComparison.Ordinal);
        return string.Concat("/", endpoint.AsSpan(0, dot), "/", endpoint.AsSpan(dot + 1));
    }
}
