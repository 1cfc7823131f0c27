using MicroHosting.Registry;

namespace MicroHosting.Client;

/// <summary>A reply together with the node that served it.</summary>
/// <typeparam name="TResponse">The reply message type.</typeparam>
/// <param name="Value">The reply.</param>
/// <param name="Node">The node that served the reply (for a call with a fixed address, a node named after the address).</param>
/// <param name="Attempts">How many attempts the call took: 1 when the first node answered.</param>
public sealed record MicroResponse<TResponse>(TResponse Value, MicroNode Node, int Attempts);
