namespace MicroHosting.Broker;

/// <summary>Handles one message delivered by an <see cref="IBroker"/>. Throwing reports the delivery as failed.</summary>
/// <param name="topic">The topic the message was published to.</param>
/// <param name="message">The message.</param>
/// <param name="cancellationToken">Cancelled when the delivery is abandoned (the sender went away or the broker stops).</param>
/// <returns>Completes when the message is handled.</returns>
public delegate ValueTask BrokerHandler(string topic, BrokerMessage message, CancellationToken cancellationToken);
