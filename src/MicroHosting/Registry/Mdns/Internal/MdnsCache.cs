using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// What this process has heard: records with TTL expiry (a goodbye, TTL 0, removes at once; the cache-flush bit
/// replaces older data), assembled into Go Micro nodes. A node is complete with an SRV, a Go Micro TXT and an address
/// for the SRV target; the changes come back as registry events. Not thread-safe: the engine holds its lock.
/// </summary>
internal sealed class MdnsCache(string domain)
{
    private const int MaxEntries = 10_000;
    private readonly Dictionary<(string Name, DnsRecordType Type), List<MdnsCacheEntry>> _records = [];
    private readonly Dictionary<string, MicroService> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IPAddress> _addressHints = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (DnsRecord Txt, MdnsTxtPayload? Payload)> _decoded = new(StringComparer.Ordinal);
    private readonly string _domainSuffix = "." + domain.Trim('.') + ".";
    private int _count;

    /// <summary>Gets how many TXT records could not be decoded as Go Micro's payload.</summary>
    public long UndecodableTxt { get; private set; }

    public int Count => _count;

    /// <summary>Takes in the records of a response and returns the node changes they cause.</summary>
    public List<RegistryEvent> Ingest(DnsMessage message, DateTimeOffset now)
    {
        var affected = new HashSet<string>(StringComparer.Ordinal);
        var records = message.Answers.Concat(message.Additionals).Where(r => r.Class == DnsRecord.ClassInternet).ToList();
        foreach (var record in records)
        {
            var key = (DnsName.Key(record.Name), record.Type);
            if (!_records.TryGetValue(key, out var entries))
            {
                if (record.Ttl == 0 || _count >= MaxEntries)
                {
                    continue;
                }

                entries = [];
                _records[key] = entries;
            }

            var existing = entries.FindIndex(e => e.Record.SameData(record));
            if (record.Ttl == 0)
            {
                if (existing >= 0)
                {
                    entries.RemoveAt(existing);
                    _count--;
                }
            }
            else
            {
                if (record.CacheFlush)
                {
                    // RFC 6762 section 10.2: data of this name and type older than one second is replaced.
                    _count -= entries.RemoveAll(e => !e.Record.SameData(record) && now - e.Received > TimeSpan.FromSeconds(1));
                    existing = entries.FindIndex(e => e.Record.SameData(record));
                }

                if (existing >= 0)
                {
                    entries[existing].Renew(record, now);
                }
                else if (_count < MaxEntries)
                {
                    entries.Add(new MdnsCacheEntry(record, now));
                    _count++;
                }
            }

            if (entries.Count == 0)
            {
                _records.Remove(key);
            }

            Affect(record, affected);
        }

        // An address that arrives with the SRV it belongs to wins over other addresses of the same host name (Go Micro
        // nodes on one machine share the host name).
        foreach (var srv in records.Where(r => r.Type == DnsRecordType.Srv && r.Ttl > 0))
        {
            var address = records.FirstOrDefault(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa && r.Ttl > 0 && DnsName.Equals(r.Name, srv.Target!));
            if (address?.Address is not null)
            {
                _addressHints[DnsName.Key(srv.Name)] = address.Address;
            }
        }

        return Evaluate(affected, now);
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
                    entries.Remove(entry);
                    _count--;
                    Affect(entry.Record, affected);
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

            if (entries.Count == 0)
            {
                _records.Remove(key);
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
                var host = DnsName.Key(record.Name);
                foreach (var ((name, type), entries) in _records)
                {
                    if (type == DnsRecordType.Srv && entries.Any(e => DnsName.Key(e.Record.Target!) == host))
                    {
                        affected.Add(name);
                    }
                }

                foreach (var (instance, service) in _nodes)
                {
                    affected.Add(instance); // the address may have been the one a known node used
                }

                break;
        }
    }

    private List<RegistryEvent> Evaluate(HashSet<string> instances, DateTimeOffset now)
    {
        var events = new List<RegistryEvent>();
        foreach (var instance in instances)
        {
            var current = Assemble(instance);
            _nodes.TryGetValue(instance, out var previous);
            if (current is null)
            {
                if (!_records.ContainsKey((instance, DnsRecordType.Txt)))
                {
                    _decoded.Remove(instance);
                }

                if (previous is not null)
                {
                    _nodes.Remove(instance);
                    _addressHints.Remove(instance);
                    _decoded.Remove(instance);
                    events.Add(new RegistryEvent(RegistryEventType.Delete, previous, now));
                }
            }
            else if (previous is null)
            {
                _nodes[instance] = current;
                events.Add(new RegistryEvent(RegistryEventType.Create, current, now));
            }
            else if (!Same(previous, current))
            {
                _nodes[instance] = current;
                events.Add(new RegistryEvent(RegistryEventType.Update, current, now));
            }
        }

        return events;
    }

    private MicroService? Assemble(string instance)
    {
        if (!instance.EndsWith(_domainSuffix, StringComparison.OrdinalIgnoreCase)
            || !_records.TryGetValue((instance, DnsRecordType.Srv), out var srvs) || srvs.Count == 0
            || !_records.TryGetValue((instance, DnsRecordType.Txt), out var txts) || txts.Count == 0)
        {
            return null;
        }

        var srv = srvs[^1].Record;
        var txt = txts[^1].Record;
        MdnsTxtPayload? payload;
        if (_decoded.TryGetValue(instance, out var memo) && memo.Txt.SameData(txt))
        {
            payload = memo.Payload;
        }
        else
        {
            payload = txt.Text is [""] or [] ? null : MdnsTxt.Decode(txt.Text ?? [], out _);
            if (payload is null && txt.Text is not ([""] or []))
            {
                UndecodableTxt++;
            }

            _decoded[instance] = (txt, payload);
        }

        if (payload is null)
        {
            return null;
        }

        // The instance is <node id>.<service>.<domain>.; Go Micro requires the TXT's service to match the name.
        var serviceSuffix = "." + payload.Service + _domainSuffix;
        var name = srv.Name.EndsWith('.') ? srv.Name : srv.Name + ".";
        if (!name.EndsWith(serviceSuffix, StringComparison.OrdinalIgnoreCase) || name.Length == serviceSuffix.Length || string.IsNullOrEmpty(payload.Version))
        {
            return null;
        }

        var address = Address(instance, srv.Target!);
        if (address is null)
        {
            return null;
        }

        var node = new MicroNode
        {
            Id = name[..^serviceSuffix.Length],
            Address = address.ToString(),
            Port = srv.Port,
            Metadata = payload.Metadata!,
        };
        return new MicroService { Name = payload.Service!, Version = payload.Version, Endpoints = payload.Endpoints!, Nodes = [node] };
    }

    private IPAddress? Address(string instance, string target)
    {
        var key = DnsName.Key(target);
        var candidates = new List<IPAddress>();
        foreach (var type in (ReadOnlySpan<DnsRecordType>)[DnsRecordType.A, DnsRecordType.Aaaa])
        {
            if (_records.TryGetValue((key, type), out var entries))
            {
                candidates.AddRange(entries.Select(e => e.Record.Address!));
            }
        }

        if (_addressHints.TryGetValue(instance, out var hint) && candidates.Contains(hint))
        {
            return hint;
        }

        // Like Go Micro, prefer IPv4.
        return candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? candidates.FirstOrDefault();
    }

    private static bool Same(MicroService a, MicroService b)
    {
        var x = a.Nodes[0];
        var y = b.Nodes[0];
        return a.Version == b.Version && x.Address == y.Address && x.Port == y.Port
            && x.Metadata.Count == y.Metadata.Count && x.Metadata.All(p => y.Metadata.TryGetValue(p.Key, out var v) && v == p.Value)
            && a.Endpoints.Count == b.Endpoints.Count && a.Endpoints.Select(e => e.Name).SequenceEqual(b.Endpoints.Select(e => e.Name));
    }
}
