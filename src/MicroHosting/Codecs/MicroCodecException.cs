namespace MicroHosting.Codecs;

/// <summary>Thrown by a <see cref="MicroCodec"/> when bytes cannot be decoded (or a value cannot be encoded).</summary>
public sealed class MicroCodecException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, in words a caller can act on.</param>
    /// <param name="innerException">The underlying parser error, if any.</param>
    public MicroCodecException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
