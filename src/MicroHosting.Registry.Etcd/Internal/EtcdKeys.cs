namespace MicroHosting.Registry.Etcd.Internal;

/// <summary>Go Micro's etcd key layout: <c>&lt;prefix&gt;&lt;service&gt;/&lt;node id&gt;</c>, a '/' inside either name becoming '-'.</summary>
internal sealed class EtcdKeys
{
    public EtcdKeys(string prefix)
    {
        Prefix = prefix.EndsWith('/') ? prefix : prefix + "/";
    }

    /// <summary>Gets the prefix every registry key starts with, ending in '/'.</summary>
    public string Prefix { get; }

    public string Node(string service, string nodeId) => $"{Prefix}{Escape(service)}/{Escape(nodeId)}";

    /// <summary>Gets the prefix of one service's node keys, or of every key when <paramref name="service"/> is <see langword="null"/>.</summary>
    public string Service(string? service) => service is null ? Prefix : $"{Prefix}{Escape(service)}/";

    /// <summary>Splits a registry key into service name and node id (as escaped in the key).</summary>
    public bool TrySplit(string key, out string service, out string nodeId)
    {
        service = nodeId = string.Empty;
        if (!key.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = key.AsSpan(Prefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0 || slash == rest.Length - 1)
        {
            return false;
        }

        service = rest[..slash].ToString();
        nodeId = rest[(slash + 1)..].ToString();
        return true;
    }

    private static string Escape(string name) => name.Replace('/', '-');
}
