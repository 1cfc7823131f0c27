namespace MicroHosting.Testing.Internal;

/// <summary>The app's own node on the network, once it started.</summary>
internal sealed class MicroTestNodeRoute
{
    public MicroTestNode? Node { get; set; }
}
