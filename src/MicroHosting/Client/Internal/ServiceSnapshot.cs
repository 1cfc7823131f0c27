using MicroHosting.Registry;

namespace MicroHosting.Client.Internal;

/// <summary>The nodes of one service as the cache last saw them; immutable, replaced as a whole on every change.</summary>
internal sealed class ServiceSnapshot(string name, NodeCandidate[] nodes, long expires)
{
    public string Name { get; } = name;

    public NodeCandidate[] Nodes { get; } = nodes;

    /// <summary>Gets the UTC ticks after which the registry is asked again.</summary>
    public long Expires { get; } = expires;

    public ServiceSnapshot WithExpiry(long expires) => new(Name, Nodes, expires);

    public ServiceSnapshot WithNode(MicroService service, MicroNode node, NodeHealth health)
    {
        var candidate = new NodeCandidate(service, node, health.Get(node.HostPort));
        var index = IndexOf(node.Id);
        if (index < 0)
        {
            return new ServiceSnapshot(Name, [.. Nodes, candidate], Expires);
        }

        var copy = (NodeCandidate[])Nodes.Clone();
        copy[index] = candidate;
        return new ServiceSnapshot(Name, copy, Expires);
    }

    public ServiceSnapshot WithoutNode(string nodeId)
    {
        var index = IndexOf(nodeId);
        if (index < 0)
        {
            return this;
        }

        var copy = new NodeCandidate[Nodes.Length - 1];
        Array.Copy(Nodes, 0, copy, 0, index);
        Array.Copy(Nodes, index + 1, copy, index, Nodes.Length - index - 1);
        return new ServiceSnapshot(Name, copy, Expires);
    }

    private int IndexOf(string nodeId)
    {
        for (var i = 0; i < Nodes.Length; i++)
        {
            if (string.Equals(Nodes[i].Node.Id, nodeId, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
