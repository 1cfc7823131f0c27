namespace MicroHosting.Client.Internal;

/// <summary>
/// One open stream's connection to its node, in the form the node's wire carries streams: a WebSocket to a MicroHosting
/// node (<see cref="WebSocketStreamChannel"/>), an HTTP/2 gRPC call to a <c>protocol=grpc</c> node
/// (<see cref="GrpcStreamChannel"/>). <see cref="MicroStreamCall{TRequest, TResponse}"/> encodes, decodes and maps
/// failures the same for both; the channel only moves messages and says how the node ended the stream.
/// </summary>
internal abstract class MicroStreamChannel : IDisposable
{
    /// <summary>Sends one message (the codec's bytes, without any framing of the wire).</summary>
    public abstract ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>Ends the sending side; the node's handler sees the end of its requests.</summary>
    public abstract ValueTask CompleteAsync(CancellationToken cancellationToken);

    /// <summary>Receives the next message, or how the node ended the stream.</summary>
    /// <exception cref="MicroStreamMessageTooLargeException">A message is longer than <paramref name="maxMessageSize"/>.</exception>
    /// <exception cref="StreamRefusedException">The node answered with something other than a stream.</exception>
    public abstract ValueTask<MicroStreamRead> ReceiveAsync(long maxMessageSize, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the stream politely when both sides are done (<paramref name="errorReceived"/>: the node's error came and its
    /// close follows; <paramref name="receiving"/>: a receive is still running elsewhere), else aborts it, which the
    /// node's handler sees as the caller going away.
    /// </summary>
    public abstract ValueTask CloseAsync(bool errorReceived, bool receiving, long maxMessageSize, TimeProvider timeProvider);

    /// <summary>Ends the stream at once (the node's handler sees the caller go away).</summary>
    public abstract void Abort();

    /// <summary>Releases the connection; <paramref name="keepReceiveBuffer"/> when a receive still running owns the buffer.</summary>
    public abstract void Dispose(bool keepReceiveBuffer);

    public void Dispose() => Dispose(keepReceiveBuffer: false);
}
