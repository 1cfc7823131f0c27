namespace MicroHosting.Client.Internal;

/// <summary>A stream message from the node is longer than the client's <c>Micro:Client:MaxStreamMessageSize</c> (decompressed, for gRPC).</summary>
internal sealed class MicroStreamMessageTooLargeException(Exception? innerException = null)
    : Exception("The stream message exceeds the client's limit.", innerException);
