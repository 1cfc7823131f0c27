using System.Buffers;

namespace MicroHosting.Codecs;

/// <summary>
/// Encodes and decodes messages for one content type. MicroHosting picks a codec by the request's
/// <c>Content-Type</c> (and the reply's <c>Accept</c>); add your own with <c>IMicroBuilder.AddCodec</c>.
/// Implementations must be thread-safe.
/// </summary>
public abstract class MicroCodec
{
    /// <summary>Gets the content type this codec writes, for example <c>application/json</c>.</summary>
    public abstract string ContentType { get; }

    /// <summary>Gets further content types this codec reads and writes (aliases such as <c>text/json</c>). Empty by default.</summary>
    public virtual IReadOnlyList<string> AdditionalContentTypes => [];

    /// <summary>Returns whether this codec can encode and decode values of <paramref name="type"/>.</summary>
    /// <param name="type">The message type.</param>
    /// <returns><see langword="true"/> when the type is supported.</returns>
    public abstract bool CanHandle(Type type);

    /// <summary>Decodes one message.</summary>
    /// <typeparam name="T">The message type; <see cref="CanHandle"/> returned <see langword="true"/> for it.</typeparam>
    /// <param name="data">The encoded bytes.</param>
    /// <returns>The message.</returns>
    /// <exception cref="MicroCodecException">The bytes are not a valid <typeparamref name="T"/>.</exception>
    public abstract T Decode<T>(ReadOnlySequence<byte> data);

    /// <summary>Encodes one message.</summary>
    /// <typeparam name="T">The message type; <see cref="CanHandle"/> returned <see langword="true"/> for it.</typeparam>
    /// <param name="output">Where to write the bytes.</param>
    /// <param name="value">The message.</param>
    public abstract void Encode<T>(IBufferWriter<byte> output, T value);
}
