namespace MicroHosting.Client.Internal;

/// <summary>
/// The request of a call made through <see cref="MicroCaller"/>, or of a stream (never sent itself: it holds the call's
/// headers, copied onto each upgrade): carries its <see cref="MicroCallState"/> itself, so the call does not need
/// <see cref="HttpRequestMessage.Options"/> (a dictionary allocated on first use).
/// </summary>
internal sealed class MicroCallRequest(MicroCallState state, Uri? uri) : HttpRequestMessage(HttpMethod.Post, uri)
{
    public MicroCallState State { get; } = state;
}
