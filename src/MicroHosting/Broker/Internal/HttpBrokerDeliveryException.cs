namespace MicroHosting.Broker.Internal;

/// <summary>Why a message published through the http broker did not reach any subscriber.</summary>
internal sealed class HttpBrokerDeliveryException(string message, Exception? inner, bool noSubscribers = false) : Exception(message, inner)
{
    /// <summary>Gets whether no subscriber was registered at all (rather than every one failing).</summary>
    public bool NoSubscribers { get; } = noSubscribers;
}
