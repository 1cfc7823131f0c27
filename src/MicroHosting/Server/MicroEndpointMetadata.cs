namespace MicroHosting.Server;

/// <summary>Endpoint metadata on every MicroHosting RPC endpoint: which <c>Type.Method</c> it serves and its message types.</summary>
/// <param name="Name">The endpoint name, for example <c>Greeter.Hello</c>.</param>
/// <param name="RequestType">The request message type.</param>
/// <param name="ResponseType">The response message type.</param>
public sealed record MicroEndpointMetadata(string Name, Type RequestType, Type ResponseType);
