using MicroHosting.Internal;

namespace MicroHosting.Broker;

/// <summary>
/// What a subscriber (and its wrappers) knows about the message it handles: the topic, the decoded message, the
/// publisher's metadata (headers other than <c>Content-Type</c>, <c>Micro-Topic</c> and <c>Micro-Id</c>) and a scope for
/// services. Messages published while handling one inherit its metadata.
/// </summary>
public sealed class MicroMessageContext
{
    private static readonly AsyncLocal<MicroMessageContext?> CurrentContext = new();
    private IReadOnlyDictionary<string, string>? _metadata;

    internal MicroMessageContext(string topic, string? queue, BrokerMessage rawMessage, object? message, IServiceProvider services, CancellationToken cancellationToken)
    {
        Topic = topic;
        Queue = queue;
        RawMessage = rawMessage;
        Message = message;
        Services = services;
        CancellationToken = cancellationToken;
    }

    /// <summary>Gets the context of the message this code handles, or <see langword="null"/> outside a subscriber.</summary>
    public static MicroMessageContext? Current
    {
        get => CurrentContext.Value;
        internal set => CurrentContext.Value = value;
    }

    /// <summary>Gets the topic the message was published to.</summary>
    public string Topic { get; }

    /// <summary>Gets the queue group of the subscription, or <see langword="null"/> for broadcast.</summary>
    public string? Queue { get; }

    /// <summary>Gets the message as the broker delivered it: headers and encoded body.</summary>
    public BrokerMessage RawMessage { get; }

    /// <summary>Gets or sets the decoded message. A wrapper may replace it with another instance of the subscriber's message type.</summary>
    public object? Message { get; set; }

    /// <summary>Gets the message id (<c>Micro-Id</c>), if the publisher set one.</summary>
    public string? Id => RawMessage.GetHeader(MicroHeaders.Id);

    /// <summary>Gets the content type the body is encoded with (<c>Content-Type</c>), if given.</summary>
    public string? ContentType => RawMessage.GetHeader("Content-Type");

    /// <summary>Gets how many times the broker has delivered this message, this delivery included (see <see cref="BrokerMessage.DeliveryCount"/>).</summary>
    public int DeliveryCount => RawMessage.DeliveryCount;

    /// <summary>Gets the publishing service's name (<c>Micro-From-Service</c>), if the publisher is a service.</summary>
    public string? FromService => RawMessage.GetHeader(MicroHeaders.FromService);

    /// <summary>Gets the publisher's metadata: the message headers other than <c>Content-Type</c>, <c>Micro-Topic</c> and <c>Micro-Id</c>. Case-insensitive keys.</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata ??= ReadMetadata(RawMessage.Headers);

    /// <summary>Gets the services of a scope created for this message.</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets the token cancelled when the delivery is abandoned.</summary>
    public CancellationToken CancellationToken { get; }

    private static Dictionary<string, string> ReadMetadata(IReadOnlyDictionary<string, string> headers)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in headers)
        {
            if (!MicroHeaders.NotMetadata.Contains(key) && !string.Equals(key, MicroHeaders.Topic, StringComparison.OrdinalIgnoreCase)
                && !string.Equals(key, MicroHeaders.XTopic, StringComparison.OrdinalIgnoreCase) && !key.StartsWith(':'))
            {
                metadata[key] = value;
            }
        }

        return metadata;
    }
}
