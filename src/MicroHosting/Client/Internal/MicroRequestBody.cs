using MicroHosting.Codecs;
using MicroHosting.Internal;

namespace MicroHosting.Client.Internal;

/// <summary>
/// A call's request message, encoded lazily per codec: the node of each attempt decides between protobuf and JSON,
/// and a retry on a node that takes the same codec re-sends the same bytes.
/// </summary>
internal abstract class MicroRequestBody
{
    public abstract HttpContent GetContent(MicroCodec codec);
}

/// <summary>The typed body of one call.</summary>
internal sealed class MicroRequestBody<TRequest>(TRequest value) : MicroRequestBody
{
    private MicroCodec? _codec;
    private HttpContent? _content;

    public override HttpContent GetContent(MicroCodec codec)
    {
        if (_content is not null && ReferenceEquals(_codec, codec))
        {
            return _content;
        }

        var buffer = new PooledBufferWriter();
        try
        {
            codec.Encode(buffer, value);
        }
        catch (MicroCodecException ex)
        {
            buffer.Dispose();
            throw new MicroException(MicroClientErrors.Id, 400, $"the request ({typeof(TRequest).Name}) cannot be encoded as {codec.ContentType}: {ex.Message}", innerException: ex);
        }
        catch
        {
            buffer.Dispose();
            throw;
        }

        var content = new MicroRequestContent(buffer, codec.ContentType);
        _codec = codec;
        _content = content;
        return content;
    }
}
