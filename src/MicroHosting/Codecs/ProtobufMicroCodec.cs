using System.Buffers;
using Google.Protobuf;
using MicroHosting.Codecs.Internal;

namespace MicroHosting.Codecs;

/// <summary><c>application/protobuf</c>: raw protobuf bytes for generated Google.Protobuf messages.</summary>
public sealed class ProtobufMicroCodec : MicroCodec
{
    /// <inheritdoc />
    public override string ContentType => MicroContentTypes.Protobuf;

    /// <inheritdoc />
    public override IReadOnlyList<string> AdditionalContentTypes { get; } = ["application/x-protobuf"];

    /// <inheritdoc />
    public override bool CanHandle(Type type) => typeof(IMessage).IsAssignableFrom(type);

    /// <inheritdoc />
    public override T Decode<T>(ReadOnlySequence<byte> data)
    {
        var parser = ProtobufTypeInfo<T>.Parser
            ?? throw new MicroCodecException($"{typeof(T).Name} is not a protobuf message; use application/json.");
        try
        {
            return (T)parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new MicroCodecException($"The body is not a valid protobuf {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public override void Encode<T>(IBufferWriter<byte> output, T value)
    {
        if (value is not IMessage message)
        {
            throw new MicroCodecException($"{typeof(T).Name} is not a protobuf message; use application/json.");
        }

        // Sized first, then written into one span: no buffer-writer refills, and the pooled buffer grows at most once.
        var size = message.CalculateSize();
        var span = output.GetSpan(size)[..size];
        message.WriteTo(span);
        output.Advance(size);
    }
}
