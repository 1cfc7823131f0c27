namespace MicroHosting.Client;

/// <summary>
/// Creates the innermost handler of every HttpClient MicroHosting builds: <see cref="IMicroClient"/>'s, each typed
/// client's (<c>AddMicroClient</c>), the stream upgrades' (<see cref="MicroClientOptions.StreamHttpClientName"/>) and
/// the http broker's. By default that handler is a socket handler (TLS as
/// configured); register an implementation as a singleton to send MicroHosting's traffic elsewhere, in memory in a test
/// kit say. The MicroHosting handlers above it (call setup, node selection, retries, ejection, credentials) stay as they
/// are, and it replaces the primary handler after every other configuration of those clients, whatever the order of
/// registrations. When more than one is registered, the last one wins. <c>MicroHosting.Testing</c> uses it to route calls
/// and streams to apps on TestServer. A stream is a WebSocket upgrade (<c>GET</c> with <c>Upgrade: websocket</c>): the
/// handler answers it as a socket handler does, <c>101</c> with the handshake headers and a content whose stream is the
/// writable connection, or an error status with its body.
/// </summary>
public interface IMicroPrimaryHandlerFactory
{
    /// <summary>Creates the innermost handler for one handler chain of the named HttpClient; called each time the factory builds that chain.</summary>
    /// <param name="clientName">The HttpClient's name: <see cref="MicroClientOptions.HttpClientName"/>, <see cref="MicroClientOptions.StreamHttpClientName"/>, a typed client's name, or the http broker's.</param>
    /// <returns>A new handler; the HttpClient factory owns and disposes it.</returns>
    HttpMessageHandler CreatePrimaryHandler(string clientName);
}
