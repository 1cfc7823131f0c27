using System.Buffers;
using MicroHosting.Codecs;
using MicroHosting.Registry;
using MicroHosting.Server.Internal;

namespace MicroHosting.Broker.Internal;

/// <summary>One subscriber: topic, queue, message type, its own wrappers and the user's handler.</summary>
internal sealed class MicroSubscriberDefinition : IMicroSubscriberBuilder
{
    private readonly Func<MicroMessageContext, Task> _invoke;
    private readonly Func<MicroCodecRegistry, BrokerMessage, object?> _decode;

    private MicroSubscriberDefinition(string topic, string? queue, Type messageType, string endpointName, Func<MicroMessageContext, Task> invoke, Func<MicroCodecRegistry, BrokerMessage, object?> decode)
    {
        Topic = topic;
        Queue = queue;
        MessageType = messageType;
        EndpointName = endpointName;
        _invoke = invoke;
        _decode = decode;
    }

    public string Topic { get; }

    public string? Queue { get; }

    public Type MessageType { get; }

    public string EndpointName { get; }

    public List<Func<MicroMessageContext, MicroMessageDelegate, Task>> Wrappers { get; } = [];

    public static MicroSubscriberDefinition Create<T>(string topic, string? queue, string endpointName, Func<T, MicroMessageContext, CancellationToken, Task> handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        if (queue is not null && string.IsNullOrWhiteSpace(queue))
        {
            throw new InvalidOperationException($"The queue group of the subscriber to '{topic}' is blank: pass null for broadcast or a name such as \"billing\".");
        }

        return new MicroSubscriberDefinition(
            topic,
            queue,
            typeof(T),
            endpointName,
            context => handler((T)context.Message!, context, context.CancellationToken),
            static (codecs, message) => Decode<T>(codecs, message));
    }

    public IMicroSubscriberBuilder Use(Func<MicroMessageContext, MicroMessageDelegate, Task> wrapper)
    {
        ArgumentNullException.ThrowIfNull(wrapper);
        Wrappers.Add(wrapper);
        return this;
    }

    public object? Decode(MicroCodecRegistry codecs, BrokerMessage message) => _decode(codecs, message);

    /// <summary>Builds the pipeline: global wrappers, then this subscriber's, then the handler.</summary>
    public MicroMessageDelegate Build(IReadOnlyList<Func<MicroMessageContext, MicroMessageDelegate, Task>> globalWrappers)
    {
        MicroMessageDelegate pipeline = context => _invoke(context);
        var wrappers = globalWrappers.Concat(Wrappers).ToArray();
        for (var i = wrappers.Length - 1; i >= 0; i--)
        {
            var wrapper = wrappers[i];
            var next = pipeline;
            pipeline = context => wrapper(context, next);
        }

        return pipeline;
    }

    /// <summary>Go Micro's subscriber endpoint: request value only, metadata <c>topic</c> and <c>subscriber=true</c>.</summary>
    public MicroEndpoint Describe() => new()
    {
        Name = EndpointName,
        Request = MicroValueDescriber.Describe(MessageType),
        Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["topic"] = Topic, ["subscriber"] = "true" },
    };

    private static T Decode<T>(MicroCodecRegistry codecs, BrokerMessage message)
    {
        var contentType = message.GetHeader("Content-Type");
        if (string.IsNullOrEmpty(contentType))
        {
            contentType = MicroPublisher.DefaultContentType(typeof(T));
        }

        if (!codecs.TryGetCodec(contentType, out var codec) || !codec.CanHandle(typeof(T)))
        {
            throw new MicroException("go.micro.broker", 415, $"Content-Type '{contentType}' cannot carry {typeof(T).Name}");
        }

        try
        {
            return codec.Decode<T>(new ReadOnlySequence<byte>(message.Body));
        }
        catch (MicroCodecException ex)
        {
            throw new MicroException("go.micro.broker", 400, $"the message is not a valid {typeof(T).Name} ({contentType}): {ex.Message}", innerException: ex);
        }
    }
}
