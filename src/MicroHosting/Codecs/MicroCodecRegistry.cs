using System.Diagnostics.CodeAnalysis;

namespace MicroHosting.Codecs;

/// <summary>
/// The codecs known to this process, looked up by content type. Built from every <see cref="MicroCodec"/> in the
/// service container: JSON, protobuf and raw bytes by default, plus those added with <c>IMicroBuilder.AddCodec</c>.
/// A later registration for the same content type wins.
/// </summary>
public sealed class MicroCodecRegistry
{
    private readonly Dictionary<string, MicroCodec> _codecs = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the registry.</summary>
    /// <param name="codecs">The codecs, in registration order.</param>
    public MicroCodecRegistry(IEnumerable<MicroCodec> codecs)
    {
        ArgumentNullException.ThrowIfNull(codecs);
        foreach (var codec in codecs)
        {
            _codecs[codec.ContentType] = codec;
            foreach (var alias in codec.AdditionalContentTypes)
            {
                _codecs[alias] = codec;
            }
        }

        ContentTypes = [.. _codecs.Keys.Order(StringComparer.Ordinal)];
        Codecs = [.. _codecs.Values.Distinct()];
    }

    /// <summary>Gets the distinct codecs, each once.</summary>
    public IReadOnlyList<MicroCodec> Codecs { get; }

    /// <summary>Gets every content type a codec is registered for.</summary>
    public IReadOnlyList<string> ContentTypes { get; }

    /// <summary>Finds the codec for a content type; parameters such as <c>charset</c> are ignored.</summary>
    /// <param name="contentType">The content type, for example <c>application/json; charset=utf-8</c>.</param>
    /// <param name="codec">The codec, when found.</param>
    /// <returns><see langword="true"/> when a codec handles the content type.</returns>
    public bool TryGetCodec(string? contentType, [NotNullWhen(true)] out MicroCodec? codec)
    {
        codec = null;
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';', StringComparison.Ordinal);
        var mediaType = semicolon < 0 ? contentType : contentType[..semicolon];
        if (_codecs.TryGetValue(mediaType, out codec))
        {
            return true;
        }

        return _codecs.TryGetValue(mediaType.Trim(), out codec);
    }
}
