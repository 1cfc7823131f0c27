namespace MicroHosting.Client.Internal;

/// <summary>What a receive on a stream got.</summary>
internal enum MicroStreamReadKind
{
    /// <summary>A message.</summary>
    Message,

    /// <summary>The node ended the stream normally (WebSocket close 1000, <c>grpc-status: 0</c>).</summary>
    End,

    /// <summary>The node ended the stream with an error (a text message, a non-zero <c>grpc-status</c>).</summary>
    Error,

    /// <summary>The node closed the stream abnormally without an error.</summary>
    Closed,
}
