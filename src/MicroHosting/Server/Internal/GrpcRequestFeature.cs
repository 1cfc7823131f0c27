namespace MicroHosting.Server.Internal;

/// <summary>Marks a request that arrived as a gRPC call (<c>POST /&lt;package&gt;.&lt;Type&gt;/&lt;Method&gt;</c> over HTTP/2), so the reply is gRPC too.</summary>
internal sealed class GrpcRequestFeature(string endpoint)
{
    /// <summary>Gets the endpoint the call was routed to, <c>Type.Method</c>.</summary>
    public string Endpoint { get; } = endpoint;
}
