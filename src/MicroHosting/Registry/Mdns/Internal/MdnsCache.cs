using System.Net;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// What this process has heard: records with TTL expiry (a goodbye, TTL 0, removes at once; the cache-flush bit
/// replaces older data), assembled into Go Micro nodes. A node is complete with an SRV, a Go Micro TXT and an address
/// for the SRV target; the changes come back as registry events. Every structure is bounded by
/// <see cref="MdnsCacheLimits"/> (see <c>MdnsCache.Bounds.cs</c>). Not thread-safe: the engine holds its lock.
/// </summary>
internal sealed partial class MdnsCache
{
    private readonly Dictionary<(string Name, DnsRecordType Type), List<MdnsCacheEntry>> _records = [];
    private readonly Dictionary<string, MicroService> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPAddress> _addressHints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _instancesByHost = new(StringComparer.Ordinal);
    private readonly string _domainSuffix;
    private readonly MdnsCacheLimits _limits;
    private readonly MdnsStatistics? _statistics;
    private int _count;

    public MdnsCache(string domain, MdnsCacheLimits? limits = null, MdnsStatistics? statistics = null)
    {
        _domainSuffix = DnsName.Key("." + domain.Trim('.') + ".");
        _limits = limits ?? new MdnsCacheLimits();
        _statistics = statistics;
    }

    /// <summary>Gets how many TXT records could not be decoded as Go Micro's payload.</summary>
    public long UndecodableTxt { get; private set; }

    public int Count => _count;

    /// <summary>Gets how many address hints (the address an SRV arrived with) are held; at most one per cached SRV name.</summary>
    public int AddressHints => _addressHints.Count;

    /// <summary>
    /// Takes in the records of a response and returns the node changes they cause. With <paramref name="extendOnly"/>
    /// (a unicast answer to a one-shot query), a record already held is renewed only when that makes it last longer.
    /// </summary>
    public List<RegistryEvent> Ingest(DnsMessage message, DateTimeOffset now, bool extendOnly = false)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var records = new List<DnsRecord>();
        foreach (var record in message.Answers.Concat(message.Additionals))
        {
            if (Usable(record))
            {
                records.Add(record.Ttl > _limits.MaxTtl ? record.With(_limits.MaxTtl, record.CacheFlush) : record);
            }
        }

        foreach (var record in records)
        {
            Store(record, now, affected, extendOnly);
        }

        // An address that arrives with the SRV it belongs to wins over other addresses of the same host name (Go Micro
        // nodes on one machine share the host name). Only for an SRV held in the cache, so hints never outnumber SRVs.
        foreach (var srv in records.Where(r => r.Type == DnsRecordType.Srv && r.Ttl > 0))
        {
            var instance = DnsName.Key(srv.Name);
            var address = records.FirstOrDefault(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa && r.Ttl > 0 && DnsName.Equals(r.Name, srv.Target!));
            if (address?.Address is not null && _records.ContainsKey((instance, DnsRecordType.Srv)))
            {
                _addressHints[instance] = address.Address;
            }
        }

        var events = Evaluate(affected, now);
        events.AddRange(Trim(now));
        return events;
    }

    /// <summary>Removes expired records and returns the node changes, and the names due a refresh query.</summary>
    public (List<RegistryEvent> Events, List<string> Refresh) Sweep(DateTimeOffset now)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var refresh = new List<string>();
        foreach (var (key, entries) in _records.ToArray())
        {
            foreach (var entry in entries.ToArray())
            {
                if (entry.Expires <= now)
                {
                    Remove(key, entry, affected);
                }
                else if (entry.Record.Type == DnsRecordType.Srv && entry.NextRefresh is { } due && due <= now)
                {
                    entry.Refreshes++;
                    if (_nodes.ContainsKey(key.Name))
                    {
                        refresh.Add(entry.Record.Name);
                    }
                }
            }
        }

        return (Evaluate(affected, now), refresh);
    }

    /// <summary>The complete nodes of <paramref name="name"/>, one service per version.</summary>
    public List<MicroService> GetService(string name)
        => [.. _nodes.Values.Where(s => string.Equals(s.Name, name, StringComparison.Ordinal))
            .GroupBy(s => s.Version, StringComparer.Ordinal)
            .Select(g => g.First().WithNodes([.. g.SelectMany(s => s.Nodes)]))];

    /// <summary>The services with complete nodes, and the names listed under <c>_services</c> without one.</summary>
    public List<MicroService> ListServices()
    {
        var services = _nodes.Values
            .GroupBy(s => (s.Name, s.Version))
            .Select(g => g.First().WithNodes([.. g.SelectMany(s => s.Nodes)]))
            .ToList();
        var listingSuffix = "._services" + _domainSuffix;
        if (_records.TryGetValue((DnsName.Key("_services" + _domainSuffix), DnsRecordType.Ptr), out var listed))
        {
            foreach (var entry in listed)
            {
                var target = entry.Record.Target!;
                if (target.EndsWith(listingSuffix, StringComparison.OrdinalIgnoreCase))
                {
                    var name = target[..^listingSuffix.Length];
                    if (!services.Any(s => string.Equals(s.Name, name, StringComparison.Ordinal)))
                    {
                        services.Add(new MicroService { Name = name });
                    }
                }
            }
        }

        return services;
    }

    /// <summary>Cached records that answer <paramref name="question"/> with more than half their TTL left, for known-answer suppression.</summary>
    public List<DnsRecord> KnownAnswers(DnsQuestion question, DateTimeOffset now)
    {
        if (!_records.TryGetValue((DnsName.Key(question.Name), question.Type), out var entries))
        {
            return [];
        }

        return [.. entries
            .Where(e => (e.Expires - now).TotalSeconds > e.Record.Ttl / 2.0)
            .Select(e => e.Record.With((uint)Math.Max(1, (e.Expires - now).TotalSeconds), cacheFlush: false))];
    }

    /// <summary>
    /// Whether a record can serve discovery: PTR, SRV and TXT under the domain, A and AAAA of any host, with names a
    /// query could carry back as a known answer. Anything else is not held, so it cannot take room from what is.
    /// </summary>
    private bool Usable(DnsRecord record)
    {
        if (record.Class != DnsRecord.ClassInternet)
        {
            return false;
        }

        var inDomain = DnsName.Key(record.Name).EndsWith(_domainSuffix, StringComparison.Ordinal);
        var usable = record.Type switch
        {
            DnsRecordType.Ptr or DnsRecordType.Srv => inDomain && record.Target is not null,
            DnsRecordType.Txt => inDomain && record.Text is not null,
            DnsRecordType.A or DnsRecordType.Aaaa => record.Address is not null,
            _ => false,
        };
        try
        {
            if (usable)
            {
                DnsName.Validate(record.Name);
                if (record.Target is not null)
                {
                    DnsName.Validate(record.Target);
                }
            }
        }
        catch (DnsFormatException)
        {
            _statistics?.DropRecords(1, "invalid_name");
            return false;
        }

        return usable;
    }

    private void Store(DnsRecord record, DateTimeOffset now, HashSet<string> affected, bool extendOnly)
    {
        var key = (DnsName.Key(record.Name), record.Type);
        if (!_records.TryGetValue(key, out var entries))
        {
            if (record.Ttl == 0)
            {
                return;
            }

            entries = [];
            _records[key] = entries;
        }

        var existing = entries.FindIndex(e => e.Record.SameData(record));
        if (extendOnly)
        {
            if (record.Ttl == 0 || (existing >= 0 && now + TimeSpan.FromSeconds(record.Ttl) <= entries[existing].Expires))
            {
                if (entries.Count == 0)
                {
                    _records.Remove(key);
                }

                return; // goodbyes come by multicast; a legacy-style answer (TTL 10 s) must not shorten what is held
            }

            record = record.With(record.Ttl, cacheFlush: false);
        }

        if (record.Ttl == 0)
        {
            if (existing >= 0)
            {
                Remove(key, entries[existing], affected);
            }

            return;
        }

        if (record.CacheFlush)
        {
            // RFC 6762 section 10.2: data of this name and type older than one second is replaced.
            foreach (var stale in entries.Where(e => !e.Record.SameData(record) && now - e.Received > TimeSpan.FromSeconds(1)).ToList())
            {
                Remove(key, stale, affected);
            }

            if (!_records.ContainsKey(key))
            {
                _records[key] = entries;
            }

            existing = entries.FindIndex(e => e.Record.SameData(record));
        }

        if (existing >= 0)
        {
            var entry = entries[existing];
            _txtBytes -= TxtSize(entry.Record);
            entry.Renew(record, now);
            _txtBytes += TxtSize(record);
        }
        else
        {
            MakeRoom(key, entries, affected);
            if (!_records.ContainsKey(key))
            {
                _records[key] = entries;
            }

            entries.Add(new MdnsCacheEntry(record, now));
            _count++;
            _txtBytes += TxtSize(record);
            if (record.Type == DnsRecordType.Srv)
            {
                Index(DnsName.Key(record.Target!)).Add(key.Item1);
            }
        }

        Affect(record, affected);
    }

    /// <summary>Removes one entry and everything that hangs on it (its key, address hint, host index, decoded TXT).</summary>
    private bool Remove((string Name, DnsRecordType Type) key, MdnsCacheEntry entry, HashSet<string> affected)
    {
        if (!_records.TryGetValue(key, out var entries) || !entries.Remove(entry))
        {
            return false;
        }

        _count--;
        _txtBytes -= TxtSize(entry.Record);
        if (entry.Record.Type == DnsRecordType.Srv)
        {
            var host = DnsName.Key(entry.Record.Target!);
            if (!entries.Any(e => DnsName.Key(e.Record.Target!) == host) && _instancesByHost.TryGetValue(host, out var instances))
            {
                instances.Remove(key.Name);
                if (instances.Count == 0)
                {
                    _instancesByHost.Remove(host);
                }
            }
        }

        if (entries.Count == 0)
        {
            _records.Remove(key);
            if (key.Type == DnsRecordType.Srv)
            {
                _addressHints.Remove(key.Name);
            }
            else if (key.Type == DnsRecordType.Txt)
            {
                ForgetDecoded(key.Name);
            }
        }

        Affect(entry.Record, affected);
        return true;
    }

    private HashSet<string> Index(string host)
    {
        if (!_instancesByHost.TryGetValue(host, out var instances))
        {
            instances = new HashSet<string>(StringComparer.Ordinal);
            _instancesByHost[host] = instances;
        }

        return instances;
    }

    private void Affect(DnsRecord record, HashSet<string> affected)
    {
        switch (record.Type)
        {
            case DnsRecordType.Srv or DnsRecordType.Txt:
                affected.Add(DnsName.Key(record.Name));
                break;
            case DnsRecordType.Ptr:
                affected.Add(DnsName.Key(record.Target!));
                break;
            case DnsRecordType.A or DnsRecordType.Aaaa:
                if (_instancesByHost.TryGetValue(DnsName.Key(record.Name), out var instances))
                {
                    affected.UnionWith(instances);
                }

                break;
        }
    }
}
