using System.Collections.Concurrent;
using MicroHosting.Internal;
using MicroHosting.Registry;

namespace MicroHosting.Server.Internal;

/// <summary>
/// The one list of endpoints this process serves: filled by <c>MapMicroHandlers</c> (and subscriber descriptions),
/// read by the routing data source (to build the endpoints), by registration (to describe the service) and by the
/// Go Micro request rewrite (to route <c>POST /</c>).
/// </summary>
internal sealed class MicroEndpointCatalog
{
    private readonly Lock _gate = new();
    private readonly List<MicroEndpointEntry> _entries = [];
    // Read without the lock on every Go Micro request; written under it.
    private readonly ConcurrentDictionary<string, MicroEndpointEntry> _byName = new(StringComparer.Ordinal);
    private readonly List<MicroEndpoint> _described = [];

    /// <summary>Throws when <paramref name="endpoint"/> is not a valid <c>Type.Method</c>.</summary>
    /// <exception cref="InvalidOperationException">The name breaks the rule of <see cref="MicroEndpointName"/>.</exception>
    public static void ValidateName(string endpoint)
    {
        if (!MicroEndpointName.IsValid(endpoint))
        {
            throw new InvalidOperationException(
                $"Endpoint name '{endpoint}' is not of the form Type.Method (for example Greeter.Hello): one dot, no '/', spaces or route characters.");
        }
    }

    /// <summary>
    /// Adds the handlers of one map call, routed by <paramref name="owner"/>. A name may be mapped once per data source;
    /// across data sources (route groups) the later one is the one described and routed for Go Micro callers.
    /// </summary>
    /// <returns>The conventions builder shared by the handlers.</returns>
    /// <exception cref="InvalidOperationException">A name is invalid or already mapped on <paramref name="owner"/>.</exception>
    public MicroConventionBuilder Add(IEnumerable<MicroHandler> handlers, MicroEndpointDataSource owner)
    {
        var conventions = new MicroConventionBuilder();
        lock (_gate)
        {
            foreach (var handler in handlers)
            {
                ValidateName(handler.Name);
                if (_entries.Exists(e => e.Owner == owner && string.Equals(e.Handler.Name, handler.Name, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"Endpoint '{handler.Name}' is mapped twice; each Type.Method can have one handler.");
                }

                var description = handler.Hidden ? null : new MicroEndpoint
                {
                    Name = handler.Name,
                    Request = MicroValueDescriber.Describe(handler.RequestType),
                    Response = MicroValueDescriber.Describe(handler.ResponseType),
                };
                var entry = new MicroEndpointEntry(handler, conventions, MicroEndpointName.PathOf(handler.Name), description, owner);
                _entries.Add(entry);
                _byName[handler.Name] = entry;
            }
        }

        return conventions;
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

    /// <summary>Gets the entries <paramref name="owner"/> routes, in map order.</summary>
    public IReadOnlyList<MicroEndpointEntry> EntriesOf(MicroEndpointDataSource owner)
    {
        lock (_gate)
        {
            return _entries.FindAll(e => e.Owner == owner);
        }
    }

    /// <summary>Gets the route of an endpoint by name, for Go Micro's <c>POST /</c>.</summary>
    public bool TryGetPath(string endpoint, out string path)
    {
        if (_byName.TryGetValue(endpoint, out var entry))
        {
            path = entry.Path;
            return true;
        }

        path = string.Empty;
        return false;
    }

    /// <summary>Describes every endpoint for the registry: mapped handlers (not hidden ones), then subscribers.</summary>
    public IReadOnlyList<MicroEndpoint> Describe()
    {
        lock (_gate)
        {
            var endpoints = new List<MicroEndpoint>(_entries.Count + _described.Count);
            foreach (var entry in _entries)
            {
                if (entry.Description is not { } description || _byName[description.Name] != entry)
                {
                    continue;
                }

                var handler = entry.Handler;
                var metadata = new Dictionary<string, string> { [MicroEndpointMetadataKeys.Stream] = handler.Kind == MicroStreamKind.Unary ? "false" : "true" };
                if (handler.Idempotent || entry.Conventions.Idempotent)
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
