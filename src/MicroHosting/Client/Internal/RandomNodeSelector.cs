using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>Go Micro's default strategy: a node at random.</summary>
internal sealed class RandomNodeSelector : IMicroNodeSelector
{
    public const string Name = "random";

    public int Select(string service, ReadOnlySpan<MicroNode> candidates) => candidates.Length == 1 ? 0 : Random.Shared.Next(candidates.Length);
}
