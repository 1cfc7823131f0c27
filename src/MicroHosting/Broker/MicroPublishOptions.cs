namespace MicroHosting.Broker;

/// <summary>Per-publish settings.</summary>
public sealed class MicroPublishOptions
{
    /// <summary>
    /// Gets or sets the content type to encode with (<c>application/json</c>, <c>application/protobuf</c>,
    /// <c>application/octet-stream</c>, or one added with <c>AddCodec</c>). Default <see langword="null"/>: protobuf for
    /// protobuf messages, raw bytes for <see cref="byte"/>[] and <see cref="ReadOnlyMemory{T}"/>, JSON otherwise.
    /// </summary>
    public string? ContentType { get; set; }

    /// <summary>Gets metadata to send as message headers; it wins over inherited metadata but not over <c>Content-Type</c>, <c>Micro-Topic</c> and <c>Micro-Id</c>.</summary>
    public IDictionary<string, string> Metadata { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
}
