namespace MicroHosting.Cli.Tests;

/// <summary>The CLI tests share one etcd, one nats-server and one running service.</summary>
[CollectionDefinition(Name)]
public sealed class CliCollection : ICollectionFixture<CliFixture>
{
    public const string Name = "micro cli";
}
