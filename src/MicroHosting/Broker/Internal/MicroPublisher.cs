using Google.Protobuf;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Codecs;
using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using MicroHosting.Internal;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Internal;

/// <summary>Encodes messages with the codec for their content type and hands them to the selected broker with Go Micro's headers.</summary>
internal sealed class MicroPublisher(IBroker broker, MicroCodecRegistry codecs, IOptions<MicroOptions> options, IOptions<MicroClientOptions> clientOptions) : IMicroPublisher
{
    public const string ClientId = "go.micro.client";

    public async Task PublishAsync<T>(string topic, T message, MicroPublishOptions? publishOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var contentType = publishOptions?.ContentType ?? DefaultContentType(typeof(T));
        if (!codecs.TryGetCodec(contentType, out var codec) || !codec.CanHandle(typeof(T)))
        {
            throw new MicroException(
                ClientId,
                415,
                $"Content-Type '{contentType}' cannot carry {typeof(T).Name}; use one of: {string.Join(", ", codecs.ContentTypes.Where(t => codecs.TryGetCodec(t, out var c) && c.CanHandle(typeof(T))))}");
        }

        using var body = new PooledBufferWriter();
        codec.Encode(body, message);
        var headers = Headers(topic, codec.ContentType, publishOptions);
        using var activity = MicroTelemetry.StartPublish(broker.Name, topic, headers);
        try
        {
            await broker.PublishAsync(topic, new BrokerMessage(headers, body.WrittenMemory.ToArray()), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", ex.GetType().FullName);
            throw;
        }
    }

    internal static string DefaultContentType(Type type)
    {
        if (typeof(IMessage).IsAssignableFrom(type))
        {
            return MicroContentTypes.Protobuf;
        }

        return type == typeof(byte[]) || type == typeof(ReadOnlyMemory<byte>) || type == typeof(Memory<byte>) ? MicroContentTypes.OctetStream : MicroContentTypes.Json;
    }

    private Dictionary<string, string> Headers(string topic, string contentType, MicroPublishOptions? publishOptions)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

        // Metadata of the message or call being handled travels on, as Go Micro's context metadata does, but only what
        // the allow-list names: credentials and unknown headers stay on the hop they arrived on.
        MetadataPropagation.For(clientOptions.Value).Propagate(headers, static (headers, key, value) => headers[key] = value);

        if (options.Value.Name is { Length: > 0 } name)
        {
            headers.Remove(MicroHeaders.XFromService);
            headers[MicroHeaders.FromService] = name;
        }

        if (publishOptions is not null)
        {
            foreach (var (key, value) in publishOptions.Metadata)
            {
                headers[key] = value;
            }
        }

        headers["Content-Type"] = contentType;
        headers[MicroHeaders.Topic] = topic;
        headers[MicroHeaders.Id] = Guid.NewGuid().ToString();
        return headers;
    }
}
