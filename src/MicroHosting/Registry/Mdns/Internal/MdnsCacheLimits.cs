namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>The bounds of <see cref="MdnsCache"/>, taken from <see cref="MdnsRegistryOptions"/>.</summary>
/// <param name="MaxEntries">Records held at most; past it the least useful are evicted.</param>
/// <param name="MaxTxtBytes">TXT bytes held at most: the cached TXT strings plus the JSON they inflated to.</param>
/// <param name="MaxTtl">The longest TTL honoured, in seconds; longer ones are clamped to it.</param>
/// <param name="MaxInterests">How many looked-up or watched service names are remembered as worth keeping.</param>
internal sealed record MdnsCacheLimits(int MaxEntries = 4096, long MaxTxtBytes = 8 * 1024 * 1024, uint MaxTtl = 4500, int MaxInterests = 256)
{
    public static MdnsCacheLimits From(MdnsRegistryOptions options)
        => new(options.MaxCacheEntries, options.MaxTxtBytes, (uint)options.MaxRecordTtl.TotalSeconds);
}
