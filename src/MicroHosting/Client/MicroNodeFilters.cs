using MicroHosting.Registry;

namespace MicroHosting.Client;

/// <summary>Go Micro's selector filters: by version, by node metadata label, by endpoint; combine them with <see cref="All"/>.</summary>
public static class MicroNodeFilters
{
    /// <summary>Keeps nodes of one service version.</summary>
    /// <param name="version">The version, for example <c>v2</c> or <c>latest</c>.</param>
    /// <returns>The filter.</returns>
    public static MicroNodeFilter Version(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return (service, _) => string.Equals(service.Version, version, StringComparison.Ordinal);
    }

    /// <summary>Keeps nodes whose metadata has <paramref name="key"/> set to <paramref name="value"/>.</summary>
    /// <param name="key">The metadata key, for example <c>region</c>.</param>
    /// <param name="value">The value, for example <c>eu</c>.</param>
    /// <returns>The filter.</returns>
    public static MicroNodeFilter Label(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return (_, node) => node.Metadata.TryGetValue(key, out var actual) && string.Equals(actual, value, StringComparison.Ordinal);
    }

    /// <summary>Keeps nodes whose service lists <paramref name="endpoint"/> in the registry.</summary>
    /// <param name="endpoint">The endpoint, <c>Type.Method</c>.</param>
    /// <returns>The filter.</returns>
    public static MicroNodeFilter Endpoint(string endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return (service, _) => HasEndpoint(service, endpoint);
    }

    /// <summary>Keeps nodes that every filter keeps.</summary>
    /// <param name="filters">The filters.</param>
    /// <returns>The combined filter.</returns>
    public static MicroNodeFilter All(params MicroNodeFilter[] filters)
    {
        ArgumentNullException.ThrowIfNull(filters);
        var copy = (MicroNodeFilter[])filters.Clone();
        return (service, node) =>
        {
            foreach (var filter in copy)
            {
                if (!filter(service, node))
                {
                    return false;
                }
            }

            return true;
        };
    }

    private static bool HasEndpoint(MicroService service, string endpoint)
    {
        foreach (var item in service.Endpoints)
        {
            if (string.Equals(item.Name, endpoint, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
