using MicroHosting.Broker;
using MicroHosting.Broker.Internal;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps subscribers on the app, next to <c>MapMicroHandlers</c>.</summary>
public static class MicroSubscriberEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Subscribes <paramref name="handler"/> to <paramref name="topic"/>, like <c>AddMicroSubscriber</c> but from the app.
    /// Call it before the app starts; the subscription starts once the app listens and is registered.
    /// </summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <param name="endpoints">The route builder (the <c>WebApplication</c>).</param>
    /// <param name="topic">The topic.</param>
    /// <param name="handler">Handles one message; throwing fails the delivery.</param>
    /// <param name="queue">The queue group, or <see langword="null"/> for broadcast.</param>
    /// <returns>A builder for this subscriber's wrappers.</returns>
    /// <exception cref="InvalidOperationException">MicroHosting is not added, or the app already started.</exception>
    public static IMicroSubscriberBuilder MapMicroSubscriber<T>(this IEndpointRouteBuilder endpoints, string topic, Func<T, MicroMessageContext, CancellationToken, Task> handler, string? queue = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var catalog = endpoints.ServiceProvider.GetService<MicroSubscriberCatalog>()
            ?? throw new InvalidOperationException("MapMicroSubscriber needs the MicroHosting services: call builder.Services.AddMicro(...) before building the app.");
        HttpBrokerRouting.TryMap(endpoints);
        return catalog.Add(MicroSubscriberDefinition.Create(topic, queue, MicroSubscriberServiceCollectionExtensions.DelegateEndpointName(topic, queue), handler));
    }
}
