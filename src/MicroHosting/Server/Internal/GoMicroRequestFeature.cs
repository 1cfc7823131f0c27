namespace MicroHosting.Server.Internal;

/// <summary>Marks a request that arrived Go Micro style (<c>POST /</c> with <c>Micro-Endpoint</c>) so the reply is Go Micro style too.</summary>
internal sealed class GoMicroRequestFeature(string endpoint)
{
    public string Endpoint { get; } = endpoint;
}
