using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace MicroHosting.Server.Internal;

/// <summary>
/// The routing data source for MicroHosting endpoints (<c>POST /Type/Method</c>). It builds the endpoints itself so
/// that endpoint filters wrap the decoded request and context, not the raw <see cref="HttpContext"/>. The endpoints
/// themselves are held by <see cref="MicroEndpointCatalog"/>; this is the routing view of the ones mapped on its builder.
/// </summary>
internal sealed class MicroEndpointDataSource : EndpointDataSource
{
    private readonly Lock _gate = new();
    private readonly IServiceProvider _services;
    private readonly MicroEndpointCatalog _catalog;
    private IReadOnlyList<Endpoint>? _endpoints;

    public MicroEndpointDataSource(IServiceProvider services)
    {
        _services = services;
        _catalog = services.GetRequiredService<MicroEndpointCatalog>();
    }

    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return _endpoints ??= Build();
            }
        }
    }

    /// <summary>Adds the handlers of one map call to the catalog, routed here.</summary>
    public MicroConventionBuilder Add(IEnumerable<MicroHandler> handlers)
    {
        lock (_gate)
        {
            var conventions = _catalog.Add(handlers, this);
            _endpoints = null;
            return conventions;
        }
    }

    public override IChangeToken GetChangeToken() => NullChangeToken.Singleton;

    private List<Endpoint> Build()
    {
        var runtime = _services.GetRequiredService<MicroServerRuntime>();
        var entries = _catalog.EntriesOf(this);
        var endpoints = new List<Endpoint>(entries.Count);
        foreach (var (handler, conventions, path, _, _) in entries)
        {
            var builder = new RouteEndpointBuilder(null, RoutePatternFactory.Parse(path), order: 0)
            {
                DisplayName = $"Micro {handler.Name}",
                ApplicationServices = _services,
            };
            builder.Metadata.Add(handler.Method);
            // Streams are WebSockets: GET with Upgrade on HTTP/1.1, extended CONNECT on HTTP/2.
            builder.Metadata.Add(new HttpMethodMetadata(handler.Kind == MicroStreamKind.Unary ? [HttpMethods.Post] : [HttpMethods.Get, HttpMethods.Connect, HttpMethods.Post]));
            builder.Metadata.Add(new MicroEndpointMetadata(handler.Name, handler.RequestType, handler.ResponseType));
            foreach (var convention in conventions.Conventions)
            {
                convention(builder);
            }

            foreach (var convention in conventions.FinallyConventions)
            {
                convention(builder);
            }

            builder.RequestDelegate = handler.CreateRequestDelegate(runtime, ComposeFilters(builder, handler));
            endpoints.Add(builder.Build());
        }

        return endpoints;
    }

    private EndpointFilterDelegate? ComposeFilters(RouteEndpointBuilder builder, MicroHandler handler)
    {
        if (builder.FilterFactories.Count == 0)
        {
            return null;
        }

        var context = new EndpointFilterFactoryContext { MethodInfo = handler.Method, ApplicationServices = _services };
        var pipeline = handler.CreateFilterTarget();
        for (var i = builder.FilterFactories.Count - 1; i >= 0; i--)
        {
            pipeline = builder.FilterFactories[i](context, pipeline);
        }

        return pipeline;
    }
}
