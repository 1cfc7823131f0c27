namespace MicroHosting.Tests.Registry.Mdns;

/// <summary>
/// The tests that put packets on 224.0.0.251:5353 (on lo) run one at a time: every socket on the group receives every
/// packet, so a flood in one test would otherwise crowd out the packets another test waits for.
/// </summary>
[CollectionDefinition(Name)]
public sealed class MdnsCollection
{
    public const string Name = "mdns on lo";
}
