namespace MicroHosting.Client;

/// <summary>What an <see cref="IMicroCredentialProvider"/> knows about the attempt it supplies a credential for.</summary>
/// <param name="Service">The service called (the http broker's deliveries: the broker's service name).</param>
/// <param name="Endpoint">The endpoint, for example <c>Greeter.Hello</c>; <see langword="null"/> when the request names none.</param>
/// <param name="Address">The node's <c>host:port</c>.</param>
/// <param name="Secure">Whether the attempt goes over TLS. A bearer token sent without TLS can be read on the network.</param>
public sealed record MicroCredentialContext(string Service, string? Endpoint, string Address, bool Secure);
