namespace MicroHosting.Internal;

/// <summary>Header names of Go Micro's HTTP transport; each <c>Micro-*</c> header also travels with an <c>X-</c> prefix.</summary>
internal static class MicroHeaders
{
    public const string Endpoint = "Micro-Endpoint";
    public const string XEndpoint = "X-Micro-Endpoint";
    public const string Method = "Micro-Method";
    public const string XMethod = "X-Micro-Method";
    public const string Service = "Micro-Service";
    public const string XService = "X-Micro-Service";
    public const string Id = "Micro-Id";
    public const string XId = "X-Micro-Id";
    public const string Error = "Micro-Error";
    public const string XError = "X-Micro-Error";
    public const string FromService = "Micro-From-Service";
    public const string XFromService = "X-Micro-From-Service";
    public const string Topic = "Micro-Topic";
    public const string XTopic = "X-Micro-Topic";
    public const string Timeout = "Timeout";

    /// <summary>Headers that are transport, not metadata: never shown to handlers as metadata and never propagated.</summary>
    public static readonly HashSet<string> NotMetadata = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Type", "Content-Length", "Accept", "Accept-Encoding", "Connection", "Transfer-Encoding",
        "Keep-Alive", "Upgrade", "Expect", "TE", "Trailer", "User-Agent", "Proxy-Connection",
        Endpoint, XEndpoint, Method, XMethod, Service, XService, Id, XId, Error, XError, Timeout,
        "Sec-WebSocket-Key", "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol",

        // gRPC's own headers, and the content type Go Micro's gRPC client repeats as metadata.
        "grpc-timeout", "grpc-encoding", "grpc-accept-encoding", "x-content-type",
    };
}
