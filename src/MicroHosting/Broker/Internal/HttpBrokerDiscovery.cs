using System.Collections.Concurrent;
using MicroHosting.Client.Internal;

namespace MicroHosting.Broker.Internal;

/// <summary>
/// The publisher's view of a topic's subscribers, in both of Go Micro's registration forms: v1's <c>topic:&lt;topic&gt;</c>
/// services (received on <c>/_sub</c>) and v2.5+'s <c>micro.http.broker</c> nodes tagged <c>broker=http</c>,
/// <c>topic=&lt;topic&gt;</c> (received on <c>/</c>). A node registered in both forms (every MicroHosting subscriber) counts
/// once, on <c>/_sub</c>. The nodes come from the client's <see cref="RegistryCache"/> (its watch keeps them current);
/// this only asks it to look again once a topic's view is older than <see cref="HttpBrokerOptions.DiscoveryCacheTtl"/>,
/// after a failed delivery, and after an empty answer, so a subscriber that just registered is found on the next publish.
/// </summary>
internal sealed class HttpBrokerDiscovery(RegistryCache cache, TimeProvider timeProvider, TimeSpan maxAge)
{
    /// <summary>Go Micro v1's service name prefix: one service per topic.</summary>
    public const string ServicePrefix = "topic:";

    /// <summary>Go Micro v2.5+'s one service for every http broker subscription.</summary>
    public const string ServiceName = "micro.http.broker";

    /// <summary>Where a v1 subscriber receives.</summary>
    public const string V1Path = "/_sub";

    /// <summary>Where a v2.5+ subscriber receives.</summary>
    public const string V2Path = "/";

    // When each topic's view was last looked up; a topic missing here is looked up again.
    private readonly ConcurrentDictionary<string, long> _lookedUp = new(StringComparer.Ordinal);

    public async ValueTask<IReadOnlyList<HttpBrokerTarget>> GetAsync(string topic, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow().UtcTicks;
        if (!_lookedUp.TryGetValue(topic, out var at) || now - at >= maxAge.Ticks)
        {
            cache.Expire(ServiceName);
            cache.Expire(ServicePrefix + topic);
            _lookedUp[topic] = now;
        }

        var shared = cache.GetAsync(ServiceName, cancellationToken).AsTask();
        var perTopic = cache.GetAsync(ServicePrefix + topic, cancellationToken).AsTask();
        await ((Task)Task.WhenAll(shared, perTopic)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (shared.IsFaulted && perTopic.IsFaulted)
        {
            Invalidate(topic);
            await perTopic.ConfigureAwait(false); // both failed: the registry is unusable, report it
        }

        cancellationToken.ThrowIfCancellationRequested();
        var targets = new List<HttpBrokerTarget>();
        var seen = new HashSet<(string Version, string Id)>();

        // A node in both forms (a MicroHosting subscriber) is posted to on /_sub: no rewrite, no overlap with RPC's POST /.
        if (perTopic.IsCompletedSuccessfully)
        {
            foreach (var candidate in perTopic.Result.Nodes)
            {
                if (seen.Add((candidate.Service.Version, candidate.Node.Id)))
                {
                    targets.Add(new HttpBrokerTarget(candidate.Node, candidate.Service.Version, V1Path));
                }
            }
        }

        if (shared.IsCompletedSuccessfully)
        {
            foreach (var candidate in shared.Result.Nodes)
            {
                var node = candidate.Node;
                if (node.Metadata.TryGetValue("broker", out var broker) && broker == "http" &&
                    node.Metadata.TryGetValue("topic", out var nodeTopic) && string.Equals(nodeTopic, topic, StringComparison.Ordinal) &&
                    seen.Add((candidate.Service.Version, node.Id)))
                {
                    targets.Add(new HttpBrokerTarget(node, candidate.Service.Version, V2Path));
                }
            }
        }

        if (targets.Count == 0 || !shared.IsCompletedSuccessfully || !perTopic.IsCompletedSuccessfully)
        {
            Invalidate(topic); // never keep an empty or partial answer
        }

        return targets;
    }

    /// <summary>Looks the topic's subscribers up again on the next publish (a delivery to one of them failed).</summary>
    public void Invalidate(string topic) => _lookedUp.TryRemove(topic, out _);
}
