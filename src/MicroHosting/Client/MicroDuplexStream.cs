using MicroHosting.Client.Internal;
using MicroHosting.Registry;

namespace MicroHosting.Client;

/// <summary>
/// An open bidirectional stream to one node (from <see cref="IMicroClient.OpenDuplexStreamAsync{TRequest, TResponse}"/>):
/// send requests with <see cref="SendAsync"/>, say you are done with <see cref="CompleteAsync"/>, and read the replies
/// with <see cref="ReadAllAsync"/>, from another task if you like. One send and one read may run at the same time; sends
/// must not overlap each other, nor reads. Dispose it when done: disposing a stream that has not ended aborts it, and the
/// server's handler sees the caller go away.
/// </summary>
/// <typeparam name="TRequest">The request message type.</typeparam>
/// <typeparam name="TResponse">The reply message type.</typeparam>
public sealed class MicroDuplexStream<TRequest, TResponse> : IAsyncDisposable
{
    private readonly MicroStreamCall<TRequest, TResponse> _call;

    internal MicroDuplexStream(MicroStreamCall<TRequest, TResponse> call)
    {
        _call = call;
    }

    /// <summary>Gets the node serving the stream (for a stream to a fixed address, a node named after the address).</summary>
    public MicroNode Node => _call.Node.Node;

    /// <summary>Gets how many attempts opening the stream took: 1 when the first node accepted it.</summary>
    public int Attempts => _call.Attempts;

    /// <summary>Sends one request. Completes when the message was handed to the connection, so a slow server slows the sender.</summary>
    /// <param name="message">The request message.</param>
    /// <param name="cancellationToken">Cancels the send; cancelling ends the whole stream.</param>
    /// <returns>Completes when the message is sent.</returns>
    /// <exception cref="MicroException">The stream failed or passed its deadline (408); after the node ended the stream with an error, that error.</exception>
    public ValueTask SendAsync(TRequest message, CancellationToken cancellationToken = default) => _call.SendAsync(message, cancellationToken);

    /// <summary>Ends the sending side: the server's request stream ends. Replies can still be read. Calling it again does nothing.</summary>
    /// <param name="cancellationToken">Cancels the operation; cancelling ends the whole stream.</param>
    /// <returns>Completes when the close was sent.</returns>
    public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => _call.CompleteAsync(cancellationToken);

    /// <summary>
    /// Reads the replies until the server ends the stream. A reply is read only when the enumeration asks for it, so a slow
    /// reader slows the server down (backpressure) and memory stays bounded.
    /// </summary>
    /// <param name="cancellationToken">Cancels reading; cancelling ends the whole stream.</param>
    /// <returns>The replies.</returns>
    /// <exception cref="MicroException">
    /// The server's error (its error JSON: id, code, detail, status), the deadline passed (408), or the connection to the node
    /// broke (500, naming the node).
    /// </exception>
    public IAsyncEnumerable<TResponse> ReadAllAsync(CancellationToken cancellationToken = default) => _call.ReadAllAsync(cancellationToken);

    /// <summary>Closes the stream: politely when both sides are done, otherwise by aborting it.</summary>
    /// <returns>Completes when the stream is closed.</returns>
    public ValueTask DisposeAsync() => _call.DisposeAsync();
}
