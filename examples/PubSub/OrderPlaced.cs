namespace PubSub;

/// <summary>The event the shop publishes.</summary>
public sealed record OrderPlaced(string Id, decimal Amount);
