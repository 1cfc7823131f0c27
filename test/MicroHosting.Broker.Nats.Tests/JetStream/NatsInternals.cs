using MicroHosting.Broker.Nats.Internal;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

/// <summary>Names the broker gives JetStream objects, for tests that reach them with a raw client.</summary>
internal static class NatsInternals
{
    public static string ConsumerName(string topic, string queue) => JetStreamNames.Consumer(topic, queue, "unused");
}
