namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// Splits a response so each packet carries at most one service instance. Go Micro's mDNS client reads a packet
/// record by record and keeps only the instance its last record belongs to, so a packet holding several instances
/// shows it just one of them; Go Micro's own responder answers one instance per packet.
/// </summary>
internal static class MdnsInstanceSplit
{
    /// <summary>
    /// Returns one message per instance named by an SRV or TXT record (its PTR, SRV, TXT, NSEC and the A/AAAA of the
    /// SRV's target, in that order), first a message with the records that belong to no instance (such as DNS-SD
    /// enumeration PTRs). Id, flags and questions are copied to every message; a message without answers is left out.
    /// </summary>
    public static List<DnsMessage> Split(DnsMessage response)
    {
        var all = response.Answers.Concat(response.Additionals).ToList();
        var instances = new HashSet<string>(all.Where(r => r.Type is DnsRecordType.Srv or DnsRecordType.Txt).Select(r => DnsName.Key(r.Name)), StringComparer.Ordinal);
        if (instances.Count <= 1)
        {
            return [response];
        }

        var hostOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var srv in all.Where(r => r.Type == DnsRecordType.Srv && r.Target is not null))
        {
            hostOwner.TryAdd(DnsName.Key(srv.Target!), DnsName.Key(srv.Name));
        }

        var order = new List<string> { string.Empty };
        var groups = new Dictionary<string, (List<DnsRecord> Answers, List<DnsRecord> Additionals)>(StringComparer.Ordinal)
        {
            [string.Empty] = ([], []),
        };
        void Add(DnsRecord record, bool answer)
        {
            var key = GroupOf(record, instances, hostOwner);
            if (!groups.TryGetValue(key, out var group))
            {
                group = ([], []);
                groups[key] = group;
                order.Add(key);
            }

            (answer ? group.Answers : group.Additionals).Add(record);
        }

        foreach (var record in response.Answers)
        {
            Add(record, answer: true);
        }

        foreach (var record in response.Additionals)
        {
            Add(record, answer: false);
        }

        return
        [
            .. order.Select(k => groups[k])
                .Where(g => g.Answers.Count > 0)
                .Select(g => response with { Answers = g.Answers, Additionals = g.Additionals }),
        ];
    }

    private static string GroupOf(DnsRecord record, HashSet<string> instances, Dictionary<string, string> hostOwner)
    {
        var name = record.Type == DnsRecordType.Ptr && record.Target is not null ? DnsName.Key(record.Target) : DnsName.Key(record.Name);
        if (instances.Contains(name))
        {
            return name;
        }

        return hostOwner.TryGetValue(name, out var owner) ? owner : string.Empty;
    }
}
