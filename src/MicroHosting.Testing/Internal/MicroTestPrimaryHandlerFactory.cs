using MicroHosting.Client;

namespace MicroHosting.Testing.Internal;

/// <summary>
/// Puts <see cref="MicroTestRoutingHandler"/> under every MicroHosting HttpClient (typed clients, <c>IMicroClient</c>, stream
/// upgrades, the http broker) through MicroHosting's public hook; the MicroHosting handlers above it (selection, retries, ejection) stay
/// as they are.
/// </summary>
internal sealed class MicroTestPrimaryHandlerFactory(MicroTestNetwork network) : IMicroPrimaryHandlerFactory
{
    public HttpMessageHandler CreatePrimaryHandler(string clientName) => new MicroTestRoutingHandler(network);
}
