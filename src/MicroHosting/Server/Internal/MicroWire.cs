namespace MicroHosting.Server.Internal;

/// <summary>How a caller speaks, and so how the reply is written: decided once per request (<see cref="MicroWireFeature"/>).</summary>
internal enum MicroWire
{
    /// <summary><c>POST /Type/Method</c>: errors as a status code and the error JSON body.</summary>
    Native,

    /// <summary>Go Micro's <c>POST /</c> with <c>Micro-Endpoint</c>: 200 with the error in headers, the request id echoed.</summary>
    GoMicro,

    /// <summary>A gRPC call (<c>POST /&lt;package&gt;.&lt;Type&gt;/&lt;Method&gt;</c> over HTTP/2): framed messages, <c>grpc-status</c>.</summary>
    Grpc,
}
