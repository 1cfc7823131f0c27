using System.Collections.Concurrent;
using MicroHosting.Internal;
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
    private readonly List<(MicroHandler Handler, MicroConventionBuilder? Conventions, MicroEndpoint Description)> _handlers = [];

    /// <param name="handler">The handler.</param>
    /// <param name="path">Its route.</param>
    /// <param name="conventions">The conventions of its map call, read when the service is described (<c>.Idempotent()</c> comes after the map call).</param>
    public void Add(MicroHandler handler, string path, MicroConventionBuilder? conventions = null)
    {
        _paths[handler.Name] = path;
        if (!handler.Hidden)
        {
            var description = new MicroEndpoint
            {
                Name = handler.Name,
                Request = MicroValueDescriber.Describe(handler.RequestType),
                Response = MicroValueDescriber.Describe(handler.ResponseType),
            };
            lock (_gate)
            {
                _handlers.RemoveAll(e => string.Equals(e.Handler.Name, handler.Name, StringComparison.Ordinal));
                _handlers.Add((handler, conventions, description));
            }
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
            var endpoints = new List<MicroEndpoint>(_handlers.Count + _described.Count);
            foreach (var (handler, conventions, description) in _handlers)
            {
                var metadata = new Dictionary<string, string> { [MicroEndpointMetadataKeys.Stream] = handler.Kind == MicroStreamKind.Unary ? "false" : "true" };
                if (handler.Idempotent || conventions is { Idempotent: true })
                {
                    metadata[MicroEndpointMetadataKeys.Idempotent] = "true";
                }

                endpoints.Add(new MicroEndpoint { Name = description.Name, Request = description.Request, Response = description.Response, Metadata = metadata });
            }

            endpoints.AddRange(_described);
            return endpoints;
        }
    }
}
