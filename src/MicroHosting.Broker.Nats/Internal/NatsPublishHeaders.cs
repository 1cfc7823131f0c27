using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// The <see cref="NatsHeaders"/> a core NATS publish in the Headers format goes out with, reused from one publish to the
/// next on the same thread instead of a new one (with its dictionary) per message. A rented instance belongs to one
/// publish until NATS.Net has finished that publish: NATS.Net writes the header block into its own buffer while it takes
/// the message, and may write its trace context into the instance (when something listens to its <c>NATS.Net</c>
/// activity source), so it goes back only once NATS.Net's <see cref="ValueTask"/> has completed, and is cleared then.
/// </summary>
/// <remarks>
/// Saves the <see cref="NatsHeaders"/>, its dictionary and their arrays per message: pubsub Headers row 1,577 -> 1,303-1,309
/// B/msg, publisher and subscriber together (benchmark README, "NATS Headers format: no NatsHeaders per message").
/// </remarks>
internal static class NatsPublishHeaders
{
    [ThreadStatic]
    private static NatsHeaders? t_cached;

    /// <summary>The message's headers in a rented <see cref="NatsHeaders"/>; null in the GoMicro format or without headers.</summary>
    public static NatsHeaders? Rent(BrokerMessage message, NatsMessageFormat format)
    {
        var items = message.HeaderItems;
        if (format == NatsMessageFormat.GoMicro || items.IsEmpty)
        {
            return null;
        }

        var headers = t_cached ?? new NatsHeaders();
        t_cached = null;
        foreach (var (key, value) in items)
        {
            headers[key] = value;
        }

        return headers;
    }

    /// <summary>Takes back headers whose publish NATS.Net has finished (its <see cref="ValueTask"/> completed, whatever the outcome).</summary>
    public static void Return(NatsHeaders? headers)
    {
        if (headers is null)
        {
            return;
        }

        headers.Clear();
        t_cached = headers;
    }
}
