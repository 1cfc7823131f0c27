namespace MicroHosting.Broker.Nats.Internal;

/// <summary>A message as <see cref="NatsBrokerSub"/> read it off the connection: the message, or why it cannot be read.</summary>
/// <param name="Subject">The NATS subject it came on.</param>
/// <param name="Message">The message; null when it cannot be read.</param>
/// <param name="Error">Why it cannot be read; null when it can.</param>
internal readonly record struct NatsBrokerDelivery(string Subject, BrokerMessage? Message, string? Error);
