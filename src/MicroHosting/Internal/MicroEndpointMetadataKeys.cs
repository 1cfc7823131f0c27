namespace MicroHosting.Internal;

/// <summary>Keys of the endpoint metadata MicroHosting registers (<see cref="Registry.MicroEndpoint.Metadata"/>).</summary>
internal static class MicroEndpointMetadataKeys
{
    /// <summary><c>true</c> when the endpoint is a stream.</summary>
    public const string Stream = "stream";

    /// <summary><c>true</c> when the handler is idempotent: callers may run it again after a failure that reached it.</summary>
    public const string Idempotent = "idempotent";
}
