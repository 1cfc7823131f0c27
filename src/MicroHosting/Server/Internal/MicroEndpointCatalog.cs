using System.Collections.Concurrent;
using MicroHosting.Registry;

namespace MicroHosting.Server.Internal;

/// <summary>
/// Every endpoint this process serves: filled by <c>MapMicroHandlers</c> (and subscriber mappings), read by
/// registration (to describe the service) and by the Go Micro request rewrite (to route <c>POST /</c>).
/// </summary>
internal sealed class MicroEndpointCatalog
{
    private readonly ConcurrentDictionary<string, string> _paths = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly List<MicroEndpoint> _described = [];

    public void Add(MicroHandler handler, string path)
    {
        _paths[handler.Name] = path;
        if (!handler.Hidden)
        {
            AddDescription(new MicroEndpoint
            {
                Name = handler.Name,
                Request = MicroValueDescriber.Describe(handler.RequestType),
                Response = MicroValueDescriber.Describe(handler.ResponseType),
                Metadata = new Dictionary<string, string> { ["stream"] = handler.Kind == MicroStreamKind.Unary ? "false" : "true" },
            });
        }
    }

    /// <summary>Adds an endpoint that is described in the registry but not routed here (subscribers).</summary>
    public void AddDescription(MicroEndpoint endpoint)
    {
        lock (_gate)
        {
            _described.RemoveAll(e => string.Equals(e.Name, endpoint.Name, StringComparison.Ordinal));
            _described.Add(endpoint);
        }
    }

    public bool TryGetPath(string endpoint, out string path) => _paths.TryGetValue(endpoint, out path!);

    public IReadOnlyList<MicroEndpoint> Describe()
    {
        lock (_gate)
        {
            return [.. _described];
        }
    }
}
