using MicroHosting.Registry;

namespace MicroHosting.Client;

/// <summary>Decides whether a node may serve a call. Runs on every attempt, so keep it cheap and allocation-free.</summary>
/// <param name="service">The registered service (name, version, endpoints) the node belongs to.</param>
/// <param name="node">The node.</param>
/// <returns><see langword="true"/> to keep the node as a candidate.</returns>
public delegate bool MicroNodeFilter(MicroService service, MicroNode node);
