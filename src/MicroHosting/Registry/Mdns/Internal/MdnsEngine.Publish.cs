namespace MicroHosting.Registry.Mdns.Internal;

internal sealed partial class MdnsEngine
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Registers the nodes of <paramref name="service"/>. A new node probes for its name first (when enabled) and fails
    /// with <see cref="InvalidOperationException"/> on a conflict; then it is announced three times (0, 1 and 3 s).
    /// Registering an unchanged node again (the periodic refresh) sends nothing.
    /// </summary>
    public async Task RegisterAsync(MicroService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);

        // The first probe's random wait runs from here: starting the sockets and building the records count toward it.
        var ready = _timeProvider.GetTimestamp();
        await StartAsync(cancellationToken).ConfigureAwait(false);
        var built = service.Nodes.Select(n => _zone.Build(service, n)).ToList();
        foreach (var node in built)
        {
            bool isNew;
            lock (_gate)
            {
                var existing = _zone.Nodes.FirstOrDefault(n => !n.IsListing && n.InstanceKey == node.InstanceKey);
                if (existing is not null && existing.SameRecords(node))
                {
                    continue;
                }

                isNew = existing is null;
            }

            if (isNew && _options.Probe)
            {
                await ProbeAsync(node, ready, cancellationToken).ConfigureAwait(false);
                ready = _timeProvider.GetTimestamp(); // a further node waits from the end of this one's probing
            }

            MdnsLocalNode? listing;
            lock (_gate)
            {
                node.Announced = true;
                (_, listing) = _zone.Add(node);
            }

            if (listing is not null)
            {
                await AnnounceAsync(listing, repeat: false, cancellationToken).ConfigureAwait(false);
            }

            await AnnounceAsync(node, repeat: true, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task DeregisterAsync(MicroService service, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!IsStarted)
        {
            return;
        }

        List<MdnsLocalNode> removed;
        lock (_gate)
        {
            removed = _zone.Remove(service);
        }

        if (removed.Count > 0)
        {
            await SendGoodbyeAsync(removed, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ProbeAsync(MdnsLocalNode node, long readyTimestamp, CancellationToken cancellationToken)
    {
        var probe = new MdnsProbe(node);
        lock (_gate)
        {
            if (!_probes.TryAdd(node.InstanceKey, probe))
            {
                throw new InvalidOperationException($"Node '{node.Service.Nodes[0].Id}' is already being registered over mDNS.");
            }
        }

        try
        {
            // RFC 6762 section 8.1: three probes 250 ms apart, the first after a random delay of up to 250 ms (counted
            // from when RegisterAsync began), then 250 ms more for a conflicting answer. Each wait runs to a time fixed
            // from the first probe, so a timer that fires late (a busy machine) does not push the later ones back:
            // waiting 250 ms after each send instead added up to ~50 ms, which took the mdns benchmark's p99 past 1 s.
            await DelayUntilAsync(readyTimestamp, TimeSpan.FromMilliseconds(Random.Shared.Next(0, 250)), cancellationToken).ConfigureAwait(false);
            var first = _timeProvider.GetTimestamp();
            for (var i = 0; i < 3 && probe.Conflict is null; i++)
            {
                var message = new DnsMessage
                {
                    Questions = [new DnsQuestion(node.InstanceName, DnsRecordType.Any, UnicastResponse: i == 0)],
                    Authorities = probe.Claimed,
                };
                await SendMulticastAsync(message, cancellationToken).ConfigureAwait(false);
                await DelayUntilAsync(first, ProbeInterval * (i + 1), cancellationToken).ConfigureAwait(false);
            }

            lock (_gate)
            {
                // Someone may already hold the name in this cache (heard before the probe started).
                var cached = _cache.GetService(node.Service.Name)
                    .SelectMany(s => s.Nodes)
                    .FirstOrDefault(n => n.Id == node.Service.Nodes[0].Id && (n.Address != node.Service.Nodes[0].Address || n.Port != node.Service.Nodes[0].Port));
                if (cached is not null)
                {
                    probe.Conflict ??= $"the network already has node '{cached.Id}' at {cached.HostPort}";
                }
            }

            if (probe.Conflict is { } conflict)
            {
                LogConflict(node.InstanceName, conflict);
                throw new InvalidOperationException(
                    $"mDNS name conflict for node '{node.Service.Nodes[0].Id}': {conflict}. Node ids must be unique: leave MICRO_SERVER_ID unset for a generated one.");
            }
        }
        finally
        {
            lock (_gate)
            {
                _probes.Remove(node.InstanceKey);
            }
        }
    }

    /// <summary>Waits until <paramref name="after"/> has passed since <paramref name="timestamp"/> (not at all if it has).</summary>
    private Task DelayUntilAsync(long timestamp, TimeSpan after, CancellationToken cancellationToken)
    {
        var left = after - _timeProvider.GetElapsedTime(timestamp);
        return left > TimeSpan.Zero ? Task.Delay(left, _timeProvider, cancellationToken) : Task.CompletedTask;
    }

    private async Task AnnounceAsync(MdnsLocalNode node, bool repeat, CancellationToken cancellationToken)
    {
        var message = Response(0, [], _zone.Announcement(node), [.. _zone.Negatives(node)], legacy: false);
        IngestOwn(message);
        await SendMulticastAsync(message, cancellationToken).ConfigureAwait(false);
        if (repeat)
        {
            // RFC 6762 section 8.3: at least two unsolicited responses, the interval doubling; Go Micro sends three.
            Track(RepeatAnnouncementAsync(node, message, _stopping.Token));
        }
    }

    private async Task RepeatAnnouncementAsync(MdnsLocalNode node, DnsMessage message, CancellationToken cancellationToken)
    {
        try
        {
            var delay = TimeSpan.FromSeconds(1);
            for (var i = 0; i < 2; i++)
            {
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    if (!_zone.Contains(node))
                    {
                        return; // deregistered or replaced meanwhile
                    }
                }

                await SendMulticastAsync(message, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task SendGoodbyeAsync(List<MdnsLocalNode> nodes, CancellationToken cancellationToken)
    {
        var records = new List<DnsRecord>();
        foreach (var node in nodes)
        {
            records.AddRange(_zone.Announcement(node).Select(r => r.With(0, r.CacheFlush)));
        }

        lock (_gate)
        {
            // The DNS-SD enumeration entry stays while another local node still offers the service.
            records.RemoveAll(r => r.Type == DnsRecordType.Ptr && DnsName.Equals(r.Name, _zone.MetaName)
                && _zone.Nodes.Any(n => !n.IsListing && DnsName.Equals(n.ServiceName, r.Target!)));
        }

        var message = Response(0, [], records, [], legacy: false);
        IngestOwn(message);
        foreach (var part in MdnsInstanceSplit.Split(message))
        {
            await SendMulticastAsync(part, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Feeds this process's own announcements and goodbyes to its cache at once, without waiting for the loopback copy.</summary>
    private void IngestOwn(DnsMessage message)
    {
        List<RegistryEvent> events;
        lock (_gate)
        {
            events = _cache.Ingest(message, _timeProvider.GetUtcNow());
        }

        Publish(events);
    }
}
