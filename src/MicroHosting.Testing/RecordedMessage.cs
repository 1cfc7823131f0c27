using System.Buffers;
using MicroHosting.Broker;
using MicroHosting.Codecs;

namespace MicroHosting.Testing;

/// <summary>A message a <see cref="RecordingBroker"/> saw published: its topic, headers (metadata) and body.</summary>
public sealed class RecordedMessage
{
    private static readonly MicroCodecRegistry Codecs = new([new JsonMicroCodec(), new ProtobufMicroCodec(), new BytesMicroCodec()]);

    internal RecordedMessage(string topic, BrokerMessage message)
    {
        Topic = topic;
        Message = message;
    }

    /// <summary>Gets the topic it was published to.</summary>
    public string Topic { get; }

    /// <summary>Gets the message as the broker carried it.</summary>
    public BrokerMessage Message { get; }

    /// <summary>Gets the headers: <c>Content-Type</c>, <c>Micro-Topic</c>, <c>Micro-Id</c> and the publisher's metadata.</summary>
    public IReadOnlyDictionary<string, string> Headers => Message.Headers;

    /// <summary>Gets the <c>Content-Type</c> header, or <see langword="null"/>.</summary>
    public string? ContentType => Message.GetHeader("Content-Type");

    /// <summary>Decodes the body as <typeparamref name="T"/> with the codec its <c>Content-Type</c> names (JSON, protobuf or bytes).</summary>
    /// <typeparam name="T">The message type.</typeparam>
    /// <returns>The message.</returns>
    /// <exception cref="InvalidOperationException">No built-in codec reads the content type, or it cannot decode <typeparamref name="T"/>.</exception>
    public T Decode<T>()
    {
        if (!Codecs.TryGetCodec(ContentType, out var codec) || !codec.CanHandle(typeof(T)))
        {
            throw new InvalidOperationException($"The message on {Topic} has Content-Type '{ContentType}', which no built-in codec decodes as {typeof(T).Name}.");
        }

        return codec.Decode<T>(new ReadOnlySequence<byte>(Message.Body));
    }
}
