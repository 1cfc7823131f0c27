namespace MicroHosting.Broker.Internal;

/// <summary>The <see cref="IPublisher{T}"/> registered by <c>AddMicroPublisher&lt;T&gt;</c>: one topic, optional default content type.</summary>
internal sealed class TopicPublisher<T>(IMicroPublisher publisher, string topic, string? contentType) : IPublisher<T>
{
    public string Topic { get; } = topic;

    public Task PublishAsync(T message, MicroPublishOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (contentType is not null && options?.ContentType is null)
        {
            var withType = new MicroPublishOptions { ContentType = contentType };
            if (options is not null)
            {
                foreach (var pair in options.Metadata)
                {
                    withType.Metadata.Add(pair);
                }
            }

            options = withType;
        }

        return publisher.PublishAsync(Topic, message, options, cancellationToken);
    }
}
