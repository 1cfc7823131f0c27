namespace MicroHosting.Broker.Internal;

/// <summary>Marks the http broker's receive endpoint among the app's endpoints.</summary>
internal sealed class HttpBrokerEndpointMetadata;
