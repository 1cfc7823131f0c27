namespace MicroHosting.Client.Internal;

/// <summary>An attempt to open a stream failed before the stream was established, and the call may try another node.</summary>
internal sealed class StreamAttemptFailedException(MicroException error) : Exception(error.Message, error)
{
    public MicroException Error { get; } = error;
}
