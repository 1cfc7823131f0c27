namespace MicroHosting.Registry;

/// <summary>A change seen by <see cref="IRegistry.WatchAsync"/>.</summary>
/// <param name="Type">What happened.</param>
/// <param name="Service">The service, holding the nodes the event is about.</param>
/// <param name="Timestamp">When the registry saw the change.</param>
public sealed record RegistryEvent(RegistryEventType Type, MicroService Service, DateTimeOffset Timestamp);
