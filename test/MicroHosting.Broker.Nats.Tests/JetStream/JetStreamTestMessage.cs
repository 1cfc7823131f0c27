namespace MicroHosting.Broker.Nats.Tests.JetStream;

/// <summary>The message the JetStream tests publish.</summary>
public sealed record JetStreamTestMessage(int Id, string Text = "");
