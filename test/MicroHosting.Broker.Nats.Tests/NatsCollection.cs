using MicroHosting.TestUtilities;

namespace MicroHosting.Broker.Nats.Tests;

/// <summary>Tests sharing one nats-server child process.</summary>
[CollectionDefinition(Name)]
public sealed class NatsCollection : ICollectionFixture<NatsServer>
{
    public const string Name = "nats-server";
}
