using System.Net;

namespace MicroHosting.Registry.Mdns.Internal;

internal sealed partial class MdnsEngine
{
    private const uint LegacyUnicastMaxTtl = 10;

    /// <summary>Handles one datagram. Never throws: a packet that breaks a rule is counted and dropped.</summary>
    internal async ValueTask OnPacketAsync(MdnsPacket packet)
    {
        if (Read(packet) is not { } message)
        {
            return;
        }

        if (message.Opcode != 0 || message.ResponseCode != 0)
        {
            Statistics.Ignore(); // RFC 6762 section 18.3 and 18.11
            return;
        }

        try
        {
            if (message.IsResponse)
            {
                OnResponse(message, packet.Source);
            }
            else
            {
                await OnQueryAsync(message, packet.Source).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A packet must never take the responder down; whatever went wrong is logged and the packet dropped.
            Statistics.Malform();
            LogHandlingFailed(packet.Source.ToString(), ex);
        }
    }

    /// <summary>
    /// Handles a datagram on a one-shot query's own socket: only responses count. They are taken in without shortening
    /// what the cache holds, since a responder that sees the ephemeral port answers as to a legacy resolver (TTL 10 s).
    /// </summary>
    internal ValueTask OnOneShotPacketAsync(MdnsPacket packet)
    {
        if (Read(packet) is not { } message)
        {
            return ValueTask.CompletedTask;
        }

        if (!message.IsResponse || message.Opcode != 0 || message.ResponseCode != 0)
        {
            Statistics.Ignore();
            return ValueTask.CompletedTask;
        }

        try
        {
            OnResponse(message, packet.Source, oneShot: true);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Statistics.Malform();
            LogHandlingFailed(packet.Source.ToString(), ex);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Counts the datagram and reads it; a malformed one is counted, logged and gives <see langword="null"/>.</summary>
    private DnsMessage? Read(MdnsPacket packet)
    {
        Statistics.Receive();
        DnsMessage message;
        try
        {
            message = DnsReader.Read(packet.Data.Span);
        }
        catch (DnsFormatException ex)
        {
            Statistics.Malform();
            LogMalformed(packet.Source.ToString(), ex.Message);
            return null;
        }

        Statistics.DropRecords(message.DroppedRecords, "invalid_name");
        return message;
    }

    private void OnResponse(DnsMessage message, IPEndPoint source, bool oneShot = false)
    {
        if (source.Port != _options.Port)
        {
            Statistics.Ignore(); // RFC 6762 section 6: responses not from the mDNS port are not trusted
            return;
        }

        List<RegistryEvent> events;
        lock (_gate)
        {
            foreach (var record in message.Answers.Concat(message.Additionals))
            {
                if (_probes.TryGetValue(DnsName.Key(record.Name), out var probe)
                    && record.Type is DnsRecordType.Srv or DnsRecordType.Txt or DnsRecordType.Any
                    && record.Ttl > 0
                    && !probe.Claimed.Any(c => c.SameData(record)))
                {
                    probe.Conflict ??= $"another responder already answers for '{record.Name}'";
                }

                if (!_heardOthers && !_zone.Nodes.Any(n => n.Records.Any(r => r.SameData(record))))
                {
                    _heardOthers = true;
                }
            }

            events = _cache.Ingest(message, _timeProvider.GetUtcNow(), extendOnly: oneShot);
        }

        Publish(events);
    }

    private async ValueTask OnQueryAsync(DnsMessage query, IPEndPoint source)
    {
        var legacy = source.Port != _options.Port;
        var multicastAnswers = new List<DnsRecord>();
        var multicastAdditionals = new List<DnsRecord>();
        var unicastAnswers = new List<DnsRecord>();
        var unicastAdditionals = new List<DnsRecord>();
        lock (_gate)
        {
            CheckProbeTiebreak(query);
            var now = _timeProvider.GetUtcNow();
            foreach (var question in query.Questions)
            {
                var (answers, additionals) = _zone.Answer(question);

                // Known-answer suppression (RFC 6762 section 7.1): skip what the asker holds with at least half the TTL.
                answers.RemoveAll(a => query.Answers.Any(k => k.SameData(a) && k.Ttl >= a.Ttl / 2));
                if (answers.Count == 0)
                {
                    continue;
                }

                if (legacy || question.UnicastResponse)
                {
                    unicastAnswers.AddRange(answers);
                    unicastAdditionals.AddRange(additionals);
                }
                else
                {
                    // RFC 6762 section 6: a record is multicast at most once a second.
                    foreach (var answer in answers)
                    {
                        var key = MulticastKey(answer);
                        if (!_lastMulticast.TryGetValue(key, out var last) || now - last >= TimeSpan.FromSeconds(1))
                        {
                            _lastMulticast[key] = now;
                            multicastAnswers.Add(answer);
                        }
                    }

                    multicastAdditionals.AddRange(additionals);
                }
            }
        }

        var token = _stopping.Token;
        if (multicastAnswers.Count > 0)
        {
            Statistics.Answer();
            var response = Response(0, [], multicastAnswers, multicastAdditionals, legacy: false);
            foreach (var part in MdnsInstanceSplit.Split(response))
            {
                await SendMulticastAsync(part, token).ConfigureAwait(false);
            }
        }

        if (unicastAnswers.Count > 0)
        {
            if (!_unicastLimiter.TryAcquire(source.Address))
            {
                Statistics.Limit();
                return;
            }

            Statistics.Answer();

            // RFC 6762 section 6.7: a legacy (port != 5353) query gets its id and question back, TTLs of at most 10 s
            // and no cache-flush bits, so ordinary DNS tools such as dig accept the answer.
            var response = legacy
                ? Response(query.Id, query.Questions, unicastAnswers, unicastAdditionals, legacy: true)
                : Response(0, [], unicastAnswers, unicastAdditionals, legacy: false);
            foreach (var part in MdnsInstanceSplit.Split(response))
            {
                await SendUnicastAsync(part, source, token).ConfigureAwait(false);
            }
        }
    }

    private static DnsMessage Response(ushort id, IReadOnlyList<DnsQuestion> questions, List<DnsRecord> answers, List<DnsRecord> additionals, bool legacy)
    {
        var extra = additionals.Where(a => !answers.Any(r => r.SameData(a))).ToList();
        extra = extra.Where((r, i) => extra.FindIndex(x => x.SameData(r)) == i).ToList();
        if (legacy)
        {
            answers = [.. answers.Select(r => r.With(Math.Min(r.Ttl, LegacyUnicastMaxTtl), cacheFlush: false))];
            extra = [.. extra.Select(r => r.With(Math.Min(r.Ttl, LegacyUnicastMaxTtl), cacheFlush: false))];
        }

        return new DnsMessage
        {
            Id = id,
            Flags = DnsMessage.ResponseFlag | DnsMessage.AuthoritativeFlag,
            Questions = questions,
            Answers = answers,
            Additionals = extra,
        };
    }

    /// <summary>
    /// Simultaneous probes (RFC 6762 section 8.2): when another host probes for a name this process is probing, with
    /// different data, the lexicographically later data wins; the loser reports a conflict.
    /// </summary>
    private void CheckProbeTiebreak(DnsMessage query)
    {
        foreach (var (key, probe) in _probes)
        {
            var theirs = query.Authorities.Where(r => DnsName.Key(r.Name) == key && r.Type is DnsRecordType.Srv or DnsRecordType.Txt).ToList();
            if (theirs.Count == 0 || theirs.All(t => probe.Claimed.Any(c => c.SameData(t))))
            {
                continue; // not about this name, or our own probe looped back
            }

            var ours = string.Join('|', probe.Claimed.Select(MulticastKey).Order(StringComparer.Ordinal));
            var other = string.Join('|', theirs.Select(MulticastKey).Order(StringComparer.Ordinal));
            if (string.CompareOrdinal(other, ours) > 0)
            {
                probe.Conflict ??= $"another host is probing for '{probe.Node.InstanceName}' with different data";
            }
        }
    }

    private static string MulticastKey(DnsRecord record)
        => $"{DnsName.Key(record.Name)}|{record.Type}|{record.Priority}|{record.Weight}|{record.Port}|{record.Target}|{record.Address}|{(record.Text is null ? null : string.Join('\n', record.Text))}";
}
