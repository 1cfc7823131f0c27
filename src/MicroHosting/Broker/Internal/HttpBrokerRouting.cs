using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Broker.Internal;

/// <summary>The routed <c>POST /_sub</c> endpoint of the http broker, mapped once per app.</summary>
internal sealed class HttpBrokerRouting
{
    private readonly Lock _gate = new();
    private IEndpointConventionBuilder? _conventions;

    public bool IsMapped => Volatile.Read(ref _conventions) is not null;

    /// <summary>Maps the endpoint on first use; later calls return the same builder, so conventions added later still apply.</summary>
    public IEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints)
    {
        lock (_gate)
        {
            if (_conventions is null)
            {
                var endpoint = endpoints.ServiceProvider.GetRequiredService<HttpBrokerEndpoint>();
                var builder = endpoints.MapPost(HttpBroker.SubscribePath, endpoint.InvokeAsync);
                builder.WithDisplayName("Micro http broker");
                builder.Add(static b => b.Metadata.Add(new HttpBrokerEndpointMetadata()));
                Volatile.Write(ref _conventions, builder);
            }

            return _conventions;
        }
    }

    /// <summary>Maps the endpoint when MicroHosting's services are there (the http broker is part of them).</summary>
    public static void TryMap(IEndpointRouteBuilder endpoints) => endpoints.ServiceProvider.GetService<HttpBrokerRouting>()?.Map(endpoints);
}
