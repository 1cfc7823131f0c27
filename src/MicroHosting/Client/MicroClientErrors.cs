namespace MicroHosting.Client;

/// <summary>Constants of the errors the client raises itself (as opposed to errors the remote sent).</summary>
public static class MicroClientErrors
{
    /// <summary>The <see cref="MicroException.Id"/> of errors raised by the client: <c>go.micro.client</c>, as in Go Micro.</summary>
    public const string Id = "go.micro.client";
}
