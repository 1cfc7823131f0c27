using MicroHosting.Registry;

namespace MicroHosting.Client;

/// <summary>
/// Picks the node for one attempt among the candidates (nodes of the service that pass the call's filter and are not
/// ejected, leaving out nodes this call already tried when others remain). Built in: <c>p2c</c> (the default: power of
/// two choices over attempts outstanding and latency), <c>random</c> (Go Micro's default) and <c>roundrobin</c>. Add your own with <c>AddKeyedSingleton&lt;IMicroNodeSelector&gt;("name", ...)</c> and
/// select it with <c>Micro:Client:Selector</c> / <c>MICRO_SELECTOR</c>, or per call. Implementations must be thread-safe.
/// </summary>
public interface IMicroNodeSelector
{
    /// <summary>Picks a node.</summary>
    /// <param name="service">The service name.</param>
    /// <param name="candidates">The candidates; never empty.</param>
    /// <returns>The index of the chosen candidate.</returns>
    int Select(string service, ReadOnlySpan<MicroNode> candidates);
}
