using MicroHosting.Broker.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;

namespace MicroHosting.Client.Internal;

/// <summary>
/// Applies a registered <see cref="IMicroPrimaryHandlerFactory"/> to MicroHosting's own HttpClients: the http broker's,
/// the stream upgrades' (<see cref="MicroClientOptions.StreamHttpClientName"/>) and every client with the MicroHosting
/// pipeline (<see cref="MicroResolutionHandler"/>). A filter runs after every
/// configuration action, so the factory wins over <c>ConfigurePrimaryHttpMessageHandler</c> whatever the order.
/// </summary>
internal sealed class MicroPrimaryHandlerFilter(IServiceProvider services) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (services.GetService<IMicroPrimaryHandlerFactory>() is { } factory
            && (string.Equals(builder.Name, HttpBroker.ClientName, StringComparison.Ordinal)
                || string.Equals(builder.Name, MicroClientOptions.StreamHttpClientName, StringComparison.Ordinal)
                || builder.AdditionalHandlers.Any(h => h is MicroResolutionHandler)))
        {
            builder.PrimaryHandler = factory.CreatePrimaryHandler(builder.Name ?? MicroClientOptions.HttpClientName);
        }
    };
}
