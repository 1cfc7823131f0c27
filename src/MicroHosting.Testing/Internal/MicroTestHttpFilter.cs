using MicroHosting.Broker.Internal;
using MicroHosting.Client.Internal;
using Microsoft.Extensions.Http;

namespace MicroHosting.Testing.Internal;

/// <summary>
/// Replaces the socket handler under every MicroHosting HttpClient (typed clients, <c>IMicroClient</c>, streams, the http broker)
/// with <see cref="MicroTestRoutingHandler"/>. A filter runs after every configuration action, so it wins whatever the
/// order of registrations; the MicroHosting handlers above it (selection, retries, ejection) stay as they are.
/// </summary>
internal sealed class MicroTestHttpFilter(MicroTestNetwork network) : IHttpMessageHandlerBuilderFilter
{
    public Action<HttpMessageHandlerBuilder> Configure(Action<HttpMessageHandlerBuilder> next) => builder =>
    {
        next(builder);
        if (string.Equals(builder.Name, HttpBroker.ClientName, StringComparison.Ordinal)
            || string.Equals(builder.Name, MicroStreamer.HttpClientName, StringComparison.Ordinal)
            || builder.AdditionalHandlers.Any(h => h is MicroResolutionHandler))
        {
            builder.PrimaryHandler = new MicroTestRoutingHandler(network);
        }
    };
}
