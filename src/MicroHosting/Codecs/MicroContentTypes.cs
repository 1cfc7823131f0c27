namespace MicroHosting.Codecs;

/// <summary>The content types MicroHosting understands out of the box.</summary>
public static class MicroContentTypes
{
    /// <summary><c>application/json</c>.</summary>
    public const string Json = "application/json";

    /// <summary><c>application/protobuf</c>; Go Micro's default when a request has no content type.</summary>
    public const string Protobuf = "application/protobuf";

    /// <summary><c>application/octet-stream</c>: raw bytes.</summary>
    public const string OctetStream = "application/octet-stream";
}
