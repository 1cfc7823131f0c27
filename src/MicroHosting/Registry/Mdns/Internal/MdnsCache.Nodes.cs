using System.Net;
using System.Net.Sockets;

namespace MicroHosting.Registry.Mdns.Internal;

internal sealed partial class MdnsCache
{
    private readonly Dictionary<string, (DnsRecord Txt, MdnsTxtPayload? Payload, int JsonBytes)> _decoded = new(StringComparer.Ordinal);

    private List<RegistryEvent> Evaluate(HashSet<string> instances, DateTimeOffset now)
    {
        var events = new List<RegistryEvent>();
        foreach (var instance in instances)
        {
            var current = Assemble(instance);
            _nodes.TryGetValue(instance, out var previous);
            if (current is null)
            {
                if (previous is not null)
                {
                    _nodes.Remove(instance);
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
        if (!instance.EndsWith(_domainSuffix, StringComparison.Ordinal)
            || !_records.TryGetValue((instance, DnsRecordType.Srv), out var srvs) || srvs.Count == 0
            || !_records.TryGetValue((instance, DnsRecordType.Txt), out var txts) || txts.Count == 0)
        {
            return null;
        }

        var srv = srvs[^1].Record;
        var payload = Decode(instance, txts[^1].Record);
        if (payload is null)
        {
            return null;
        }

        // The instance is <node id>.<service>.<domain>.; Go Micro requires the TXT's service to match the name.
        var serviceSuffix = "." + payload.Service + _domainSuffix;
        var name = DnsName.Normalize(srv.Name);
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

    /// <summary>Decodes the TXT once per content; the inflated size counts against <see cref="MdnsCacheLimits.MaxTxtBytes"/>.</summary>
    private MdnsTxtPayload? Decode(string instance, DnsRecord txt)
    {
        if (_decoded.TryGetValue(instance, out var memo) && memo.Txt.SameData(txt))
        {
            return memo.Payload;
        }

        ForgetDecoded(instance);
        if (txt.Text is [""] or [])
        {
            return null;
        }

        var payload = MdnsTxt.Decode(txt.Text ?? [], out _, out var jsonBytes);
        if (payload is null)
        {
            UndecodableTxt++;
            jsonBytes = 0;
        }

        _decoded[instance] = (txt, payload, jsonBytes);
        _txtBytes += jsonBytes;
        return payload;
    }

    private void ForgetDecoded(string instance)
    {
        if (_decoded.Remove(instance, out var memo))
        {
            _txtBytes -= memo.JsonBytes;
        }
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
