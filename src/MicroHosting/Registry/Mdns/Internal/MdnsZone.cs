using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// The records this process owns, in Go Micro's layout, and the answers they give to questions. Not thread-safe:
/// the engine holds its lock around every call.
/// </summary>
internal sealed class MdnsZone(string domain, uint ttl)
{
    public const int ListingPort = 9999;
    private readonly Dictionary<string, MdnsLocalNode> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MdnsLocalNode> _listings = new(StringComparer.Ordinal);

    public string Domain { get; } = domain.Trim('.');

    public uint Ttl { get; } = ttl;

    public string MetaName => $"_services._dns-sd._udp.{Domain}.";

    public string ListingName => $"_services.{Domain}.";

    public IEnumerable<MdnsLocalNode> Nodes => _nodes.Values.Concat(_listings.Values);

    public bool IsEmpty => _nodes.Count == 0;

    /// <summary>Builds the records of one node of <paramref name="service"/>. Throws <see cref="InvalidOperationException"/> for what DNS cannot carry.</summary>
    public MdnsLocalNode Build(MicroService service, MicroNode node)
    {
        if (!IPAddress.TryParse(node.Address, out var address))
        {
            throw new InvalidOperationException($"mDNS registers IP addresses only, but node '{node.Id}' has address '{node.Address}'. Set MICRO_SERVER_ADVERTISE to this machine's IP and port.");
        }

        if (node.Port is < 1 or > 65535)
        {
            throw new InvalidOperationException($"Node '{node.Id}' has port {node.Port}; mDNS needs a port between 1 and 65535.");
        }

        var payload = new MdnsTxtPayload { Service = service.Name, Version = service.Version, Endpoints = service.Endpoints, Metadata = node.Metadata };
        var serviceName = $"{service.Name}.{Domain}.";
        var instance = $"{node.Id}.{serviceName}";
        var host = $"{HostLabel(node.Id)}.{Domain}.";
        var records = new DnsRecord[]
        {
            DnsRecord.Ptr(serviceName, instance, Ttl),
            DnsRecord.Srv(instance, 10, 1, (ushort)node.Port, host, Ttl, cacheFlush: true),
            DnsRecord.Txt(instance, MdnsTxt.Encode(payload), Ttl, cacheFlush: true),
            DnsRecord.Host(host, address, Ttl, cacheFlush: true),
        };
        Validate(records, node.Id);
        return new MdnsLocalNode
        {
            Service = service.WithNodes([node]),
            InstanceName = instance,
            ServiceName = serviceName,
            HostName = host,
            Records = records,
        };
    }

    /// <summary>Adds or replaces a node; returns the node it replaced and the listing node created for a new service name.</summary>
    public (MdnsLocalNode? Previous, MdnsLocalNode? NewListing) Add(MdnsLocalNode node)
    {
        _nodes.TryGetValue(node.InstanceKey, out var previous);
        _nodes[node.InstanceKey] = node;
        var key = DnsName.Key(node.Service.Name);
        MdnsLocalNode? listing = null;
        if (!_listings.ContainsKey(key))
        {
            listing = BuildListing(node.Service.Name);
            _listings[key] = listing;
        }

        return (previous, listing);
    }

    /// <summary>Removes the nodes of <paramref name="service"/>; returns them, and the listing node when its last node went.</summary>
    public List<MdnsLocalNode> Remove(MicroService service)
    {
        var removed = new List<MdnsLocalNode>();
        foreach (var node in service.Nodes)
        {
            var key = DnsName.Key($"{node.Id}.{service.Name}.{Domain}.");
            if (_nodes.Remove(key, out var local))
            {
                removed.Add(local);
            }
        }

        var name = DnsName.Key(service.Name);
        if (removed.Count > 0 && !_nodes.Values.Any(n => DnsName.Key(n.Service.Name) == name) && _listings.Remove(name, out var listing))
        {
            removed.Add(listing);
        }

        return removed;
    }

    public bool Contains(MdnsLocalNode node) => _nodes.TryGetValue(node.InstanceKey, out var current) && ReferenceEquals(current, node);

    /// <summary>The records that answer <paramref name="question"/>, and the additional records that help the asker (RFC 6763 section 12).</summary>
    public (List<DnsRecord> Answers, List<DnsRecord> Additionals) Answer(DnsQuestion question)
    {
        var answers = new List<DnsRecord>();
        var additionals = new List<DnsRecord>();
        var key = DnsName.Key(question.Name);
        var type = question.Type;
        if (question.Class is not DnsRecord.ClassInternet and not 255)
        {
            return (answers, additionals);
        }

        if (key == DnsName.Key(MetaName) && type is DnsRecordType.Ptr or DnsRecordType.Any)
        {
            foreach (var serviceName in _nodes.Values.Where(n => n.Announced).Select(n => n.ServiceName).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                answers.Add(DnsRecord.Ptr(MetaName, serviceName, Ttl));
            }
        }

        foreach (var node in Nodes.Where(n => n.Announced))
        {
            var ptr = node.Records[0];
            if (key == DnsName.Key(ptr.Name) && type is DnsRecordType.Ptr or DnsRecordType.Any)
            {
                answers.Add(ptr);
                additionals.AddRange(node.Records.Skip(1));
                additionals.AddRange(Negatives(node));
            }
            else if (key == node.InstanceKey)
            {
                answers.AddRange(node.Records.Where(r => r.Type != DnsRecordType.Ptr && DnsName.Key(r.Name) == key && Matches(r, type)));
                additionals.AddRange(node.Records.Where(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa));
                additionals.AddRange(Negatives(node));
            }
            else if (key == DnsName.Key(node.HostName))
            {
                answers.AddRange(node.Records.Where(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa && Matches(r, type)));
                additionals.AddRange(Negatives(node).Where(r => DnsName.Key(r.Name) == key));
            }
        }

        return (Distinct(answers, []), Distinct(additionals, answers));
    }

    /// <summary>The announcement (RFC 6762 section 8.3) of <paramref name="node"/>: all its records, and the DNS-SD enumeration PTR.</summary>
    public List<DnsRecord> Announcement(MdnsLocalNode node)
    {
        // The enumeration PTR goes first: Go Micro's client keeps the instance named by a packet's last records.
        var records = new List<DnsRecord>(node.Records.Count + 1);
        if (!node.IsListing)
        {
            records.Add(DnsRecord.Ptr(MetaName, node.ServiceName, Ttl));
        }

        records.AddRange(node.Records);
        return records;
    }

    /// <summary>The NSEC records saying which types a node's unique names have (RFC 6762 section 6.1).</summary>
    public IEnumerable<DnsRecord> Negatives(MdnsLocalNode node)
    {
        if (node.IsListing)
        {
            yield break;
        }

        yield return DnsRecord.Nsec(node.InstanceName, [DnsRecordType.Txt, DnsRecordType.Srv], Ttl, cacheFlush: true);
        yield return DnsRecord.Nsec(node.HostName, [.. node.Records.Where(r => r.Type is DnsRecordType.A or DnsRecordType.Aaaa).Select(r => r.Type)], Ttl, cacheFlush: true);
    }

    private static bool Matches(DnsRecord record, DnsRecordType type) => type == DnsRecordType.Any || record.Type == type;

    private static List<DnsRecord> Distinct(List<DnsRecord> records, List<DnsRecord> exclude)
    {
        var result = new List<DnsRecord>(records.Count);
        foreach (var record in records)
        {
            if (!result.Any(r => r.SameData(record)) && !exclude.Any(r => r.SameData(record)))
            {
                result.Add(record);
            }
        }

        return result;
    }

    private static void Validate(DnsRecord[] records, string nodeId)
    {
        try
        {
            foreach (var record in records)
            {
                DnsName.Validate(record.Name);
                if (record.Target is not null)
                {
                    DnsName.Validate(record.Target);
                }
            }
        }
        catch (DnsFormatException ex)
        {
            throw new InvalidOperationException($"Node '{nodeId}' cannot be announced over mDNS: {ex.Message} Use a shorter service name or node id (MICRO_SERVER_ID).", ex);
        }
    }

    /// <summary>A host label unique to the node, so one node's goodbye never removes another node's address.</summary>
    private static string HostLabel(string nodeId)
    {
        var label = new StringBuilder(nodeId.Length);
        foreach (var c in nodeId)
        {
            label.Append(char.IsAsciiLetterOrDigit(c) || c == '-' ? c : '-');
        }

        if (label.Length > DnsName.MaxLabelLength)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(nodeId)).AsSpan(0, 4));
            label.Length = DnsName.MaxLabelLength - 9;
            label.Append('-').Append(hash);
        }

        return label.ToString();
    }

    private MdnsLocalNode BuildListing(string service)
    {
        var instance = $"{service}.{ListingName}";
        var host = $"{HostLabel(service + "-services")}.{Domain}.";
        return new MdnsLocalNode
        {
            Service = new MicroService { Name = service },
            InstanceName = instance,
            ServiceName = ListingName,
            HostName = host,
            IsListing = true,
            Announced = true,
            Records =
            [
                DnsRecord.Ptr(ListingName, instance, Ttl),
                DnsRecord.Srv(instance, 10, 1, ListingPort, host, Ttl),
                DnsRecord.Txt(instance, [string.Empty], Ttl),
                DnsRecord.Host(host, IPAddress.Any, Ttl),
            ],
        };
    }
}
