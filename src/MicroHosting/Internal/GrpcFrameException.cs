namespace MicroHosting.Internal;

/// <summary>A gRPC frame that cannot be read (<see cref="GrpcFraming"/>), with the gRPC status it calls for.</summary>
internal sealed class GrpcFrameException(int status, string message, Exception? innerException = null) : Exception(message, innerException)
{
    /// <summary>Gets the gRPC status: <c>RESOURCE_EXHAUSTED</c> (8) for a message over the limit, <c>UNIMPLEMENTED</c> (12) for an unknown encoding, else <c>INTERNAL</c> (13).</summary>
    public int Status { get; } = status;

    /// <summary>Gets the Go Micro error code of the failure: 413 for a message over the limit, 501 for an unknown encoding, 400 for a malformed frame.</summary>
    public int MicroCode => Status switch
    {
        GrpcStatusMap.ResourceExhausted => 413,
        GrpcStatusMap.Unimplemented => 501,
        _ => 400,
    };
}
