namespace MicroHosting.Client.Internal;

/// <summary>A node answered a stream's upgrade request with a status other than <c>101 Switching Protocols</c>.</summary>
internal sealed class StreamRefusedException(int status, string? reasonPhrase, string body)
    : Exception($"the node answered the upgrade with {status} {reasonPhrase}")
{
    public int Status { get; } = status;

    public string? ReasonPhrase { get; } = reasonPhrase;

    /// <summary>Gets the start of the reply body: MicroHosting's error JSON, or whatever else answered.</summary>
    public string Body { get; } = body;
}
