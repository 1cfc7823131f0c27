namespace MicroHosting.Internal;

/// <summary>A WebSocket message went past the receiver's size limit; each end turns it into its own 413 error.</summary>
internal sealed class WebSocketMessageTooLargeException : Exception
{
    public WebSocketMessageTooLargeException()
        : base("The WebSocket message exceeds the size limit.")
    {
    }
}
