using System.Runtime.InteropServices;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// The bounds: at most <see cref="MdnsCacheLimits.MaxEntries"/> records, <see cref="MaxPerName"/> of one name and type,
/// and <see cref="MdnsCacheLimits.MaxTxtBytes"/> of TXT data (raw and inflated); TTLs clamped to
/// <see cref="MdnsCacheLimits.MaxTtl"/>. Address hints, the host index and decoded TXTs hang on cached records and go
/// with them. When a bound is passed, the least useful records go first: records of no complete node and no service
/// this process looked up or watches, then the oldest-heard, then the longest-lived. A flood of made-up records thus
/// displaces itself, while nodes of the services in use, and a newly announced node, stay.
/// </summary>
internal sealed partial class MdnsCache
{
    /// <summary>Records of one name and type held at most (a service's PTRs: one per node).</summary>
    public const int MaxPerName = 256;

    private readonly Dictionary<string, long> _interests = new(StringComparer.Ordinal);
    private readonly List<Candidate> _ranking = [];
    private long _interestClock;
    private long _txtBytes;

    /// <summary>Gets the TXT bytes held: cached TXT strings plus the JSON they inflated to.</summary>
    public long TxtBytes => _txtBytes;

    /// <summary>Gets how many records were evicted to keep within the bounds.</summary>
    public long Evictions { get; private set; }

    /// <summary>Marks a service as in use (looked up or watched), so its records are the last to be evicted.</summary>
    public void Interest(string service)
    {
        var key = DnsName.Key(service + _domainSuffix);
        _interests[key] = ++_interestClock;
        if (_interests.Count > _limits.MaxInterests)
        {
            _interests.Remove(_interests.MinBy(p => p.Value).Key);
        }
    }

    private static int TxtSize(DnsRecord record) => record.Text is null ? 0 : record.Text.Sum(t => t.Length + 1);

    /// <summary>Evicts the least useful records until the cache is back within its bounds (with room to spare, so this runs rarely).</summary>
    private List<RegistryEvent> Trim(DateTimeOffset now)
    {
        if (_count <= _limits.MaxEntries && _txtBytes <= _limits.MaxTxtBytes)
        {
            return [];
        }

        var affected = new HashSet<string>(StringComparer.Ordinal);

        // One ranking buffer for the cache's life: a new one per trim would be a large-object allocation each time,
        // and under a flood those force full collections.
        _ranking.Clear();
        foreach (var (key, entries) in _records)
        {
            foreach (var entry in entries)
            {
                _ranking.Add(new Candidate(key, entry, Tier(key, entry.Record)));
            }
        }

        CollectionsMarshal.AsSpan(_ranking).Sort(static (a, b) =>
            a.Tier != b.Tier ? a.Tier.CompareTo(b.Tier)
            : a.Entry.Received != b.Entry.Received ? a.Entry.Received.CompareTo(b.Entry.Received)
            : b.Entry.Record.Ttl.CompareTo(a.Entry.Record.Ttl));
        var trimEntries = _count > _limits.MaxEntries;
        var trimTxt = _txtBytes > _limits.MaxTxtBytes;
        var entryTarget = _limits.MaxEntries - (_limits.MaxEntries / 8);
        var txtTarget = _limits.MaxTxtBytes - (_limits.MaxTxtBytes / 8);
        foreach (var (key, entry, _) in _ranking)
        {
            var forEntries = trimEntries && _count > entryTarget;
            var forTxt = trimTxt && _txtBytes > txtTarget;
            if (!forEntries && !forTxt)
            {
                break;
            }

            if ((forEntries || key.Type == DnsRecordType.Txt) && Remove(key, entry, affected))
            {
                Evictions++;
                _statistics?.Evict(forEntries ? "entries" : "txt_budget");
            }
        }

        _ranking.Clear();
        return Evaluate(affected, now);
    }

    /// <summary>Makes room for one more record of a name and type by evicting its oldest.</summary>
    private void MakeRoom((string Name, DnsRecordType Type) key, List<MdnsCacheEntry> entries, HashSet<string> affected)
    {
        while (entries.Count >= MaxPerName && Remove(key, entries.MinBy(e => e.Received)!, affected))
        {
            Evictions++;
            _statistics?.Evict("per_name");
        }
    }

    /// <summary>0: of nothing in use; 1: of a service in use; 2: of a complete node; 3: of a complete node of a service in use.</summary>
    private int Tier((string Name, DnsRecordType Type) key, DnsRecord record)
    {
        switch (record.Type)
        {
            case DnsRecordType.A or DnsRecordType.Aaaa:
                var best = 0;
                if (_instancesByHost.TryGetValue(key.Name, out var instances))
                {
                    foreach (var instance in instances)
                    {
                        best = Math.Max(best, InstanceTier(instance));
                    }
                }

                return best;
            case DnsRecordType.Ptr:
                var target = DnsName.Key(record.Target!);
                return Math.Max(InstanceTier(target), _interests.ContainsKey(key.Name) ? 1 : 0);
            default:
                return InstanceTier(key.Name);
        }
    }

    private int InstanceTier(string instance)
    {
        var inUse = _interests.Count > 0 && _interests.ContainsKey(ParentOf(instance));
        return (_nodes.ContainsKey(instance) ? 2 : 0) + (inUse ? 1 : 0);
    }

    /// <summary>The name without its first label (<c>greeter.local.</c> for <c>greeter-1.greeter.local.</c>).</summary>
    private static string ParentOf(string name)
    {
        for (var i = 0; i < name.Length - 1; i++)
        {
            if (name[i] == '\\')
            {
                i++;
            }
            else if (name[i] == '.')
            {
                return name[(i + 1)..];
            }
        }

        return name;
    }

    private readonly record struct Candidate((string Name, DnsRecordType Type) Key, MdnsCacheEntry Entry, int Tier);
}
