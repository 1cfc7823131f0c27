using System.Net;
using MicroHosting.Registry.Internal;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>
/// The mDNS responder and querier: owns the sockets, the local zone and the cache, answers queries, announces,
/// probes, says goodbye, refreshes cached records before they expire, and turns what it hears into registry events.
/// </summary>
internal sealed partial class MdnsEngine : IAsyncDisposable
{
    /// <summary>How often a re-ask looks at the cache for the first answer.</summary>
    private static readonly TimeSpan AnswerPoll = TimeSpan.FromMilliseconds(20);

    private readonly MdnsRegistryOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _startGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly MdnsZone _zone;
    private readonly MdnsCache _cache;
    private readonly MdnsRateLimiter _unicastLimiter;
    private readonly Dictionary<string, DateTimeOffset> _lastMulticast = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MdnsProbe> _probes = new(StringComparer.Ordinal);
    private readonly List<Task> _background = [];
    private MdnsTransport? _transport;
    private ITimer? _sweeper;
    private bool _stopped;
    private bool _heardOthers;
    private bool _warnedSilence;

    public MdnsEngine(MdnsRegistryOptions options, TimeProvider timeProvider, ILogger logger, System.Diagnostics.Metrics.IMeterFactory? meterFactory = null)
    {
        Statistics = new MdnsStatistics(meterFactory);
        MdnsOptionsValidator.ThrowIfInvalid(options);
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        var ttl = (uint)options.RecordTtl.TotalSeconds;
        _zone = new MdnsZone(options.Domain, ttl);
        _cache = new MdnsCache(options.Domain, MdnsCacheLimits.From(options), Statistics);
        _unicastLimiter = new MdnsRateLimiter(timeProvider, options.UnicastRepliesPerSender);
    }

    public RegistryWatchers Watchers { get; } = new();

    public MdnsStatistics Statistics { get; }

    public string Domain => _zone.Domain;

    internal MdnsTransport? Transport => Volatile.Read(ref _transport);

    public bool IsStarted => Volatile.Read(ref _transport) is not null;

    /// <summary>Gets the names of the interfaces the sockets were opened on, once started (kept after stop).</summary>
    public IReadOnlyList<string> Interfaces { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsStarted)
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_transport is not null)
            {
                return;
            }

            var interfaces = MdnsInterface.Select(_options);
            var transport = new MdnsTransport(_options, interfaces, _logger, Statistics);
            transport.Start(OnPacketAsync);
            _sweeper = _timeProvider.CreateTimer(_ => Sweep(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
            Interfaces = [.. interfaces.Select(i => i.Name)];
            Volatile.Write(ref _transport, transport);
            LogStarted(transport.InterfaceNames, _options.Port, _zone.Domain);
        }
        finally
        {
            _startGate.Release();
        }
    }

    /// <summary>Sends goodbyes for every node still announced, then closes the sockets.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            List<MdnsLocalNode> nodes;
            lock (_gate)
            {
                nodes = [.. _zone.Nodes];
                foreach (var node in nodes.Where(n => !n.IsListing))
                {
                    _zone.Remove(node.Service);
                }
            }

            if (_transport is not null && nodes.Count > 0)
            {
                await SendGoodbyeAsync(nodes, cancellationToken).ConfigureAwait(false);
            }

            await _stopping.CancelAsync().ConfigureAwait(false);
            if (_sweeper is not null)
            {
                await _sweeper.DisposeAsync().ConfigureAwait(false);
            }

            Task[] background;
            lock (_gate)
            {
                background = [.. _background];
            }

            await Task.WhenAll(background).ConfigureAwait(false);
            if (_transport is not null)
            {
                await _transport.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _startGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    public async Task<IReadOnlyList<MicroService>> GetServiceAsync(string name, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        Interest(name);
        var question = new DnsQuestion($"{name}.{_zone.Domain}.", DnsRecordType.Ptr);
        var services = await LookUpAsync(question, () => _cache.GetService(name), cancellationToken).ConfigureAwait(false);
        WarnIfSilent(services.Count == 0);
        return services;
    }

    public async Task<IReadOnlyList<MicroService>> ListServicesAsync(CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        return await LookUpAsync(new DnsQuestion(_zone.ListingName, DnsRecordType.Ptr), _cache.ListServices, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks, then reads the cache; while it holds nothing, asks again up to <see cref="MdnsRegistryOptions.QueryRetries"/>
    /// times, each window twice as long. One 100 ms window (Go Micro's) is short for a process that just started on a busy
    /// machine: a missed answer there became "service not found" while the service was up. A re-ask ends one
    /// <see cref="MdnsRegistryOptions.QueryTimeout"/> after the first node reaches the cache, so a late answer costs no
    /// more than the window it arrived in, and a caller's deadline is not spent waiting out a long window.
    /// </summary>
    private async Task<List<MicroService>> LookUpAsync(DnsQuestion question, Func<List<MicroService>> read, CancellationToken cancellationToken)
    {
        var window = _options.QueryTimeout;
        for (var attempt = 0; ; attempt++)
        {
            await QueryAsync(question, window, attempt == 0 ? null : () => read().Count > 0, cancellationToken).ConfigureAwait(false);
            List<MicroService> services;
            lock (_gate)
            {
                services = read();
            }

            if (services.Count > 0 || attempt >= _options.QueryRetries)
            {
                return services;
            }

            window *= 2;
        }
    }

    /// <summary>Marks a service as in use, so the cache keeps its records over others when full.</summary>
    public void Interest(string service)
    {
        lock (_gate)
        {
            _cache.Interest(service);
        }
    }

    /// <summary>Gets the cache's figures (for tests and benchmarks).</summary>
    internal (int Entries, int AddressHints, long TxtBytes) CacheSize
    {
        get
        {
            lock (_gate)
            {
                return (_cache.Count, _cache.AddressHints, _cache.TxtBytes);
            }
        }
    }

    internal MdnsRateLimiter UnicastLimiter => _unicastLimiter;

    /// <summary>The complete nodes of a service the cache holds, without asking the network (for benchmarks).</summary>
    internal List<MicroService> Cached(string name)
    {
        lock (_gate)
        {
            return _cache.GetService(name);
        }
    }

    /// <summary>Asks the network, then waits <paramref name="window"/> for the answers to reach the cache.</summary>
    private Task QueryAsync(DnsQuestion question, TimeSpan window, Func<bool>? answered, CancellationToken cancellationToken)
    {
        List<DnsRecord> known;
        lock (_gate)
        {
            known = [.. _cache.KnownAnswers(question, _timeProvider.GetUtcNow()).Take(32)];
        }

        return AskAsync(new DnsMessage { Questions = [question], Answers = known }, window, answered, cancellationToken);
    }

    /// <summary>
    /// Sends a query twice and collects answers for <paramref name="window"/>: from the shared port
    /// 5353, so responders that multicast their answers (RFC 6762 ones, this one) update every listener at full TTL; and
    /// from a socket of its own on an ephemeral port, read here, because Go Micro's responder unicasts its answers to
    /// the query's source port, and on port 5353 only one of the processes bound there would receive them.
    /// </summary>
    private async Task AskAsync(DnsMessage query, TimeSpan window, Func<bool>? answered, CancellationToken cancellationToken)
    {
        await using var oneShot = Transport?.OpenOneShot();
        using var listening = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var receiving = oneShot?.ReceiveAsync(OnOneShotPacketAsync, listening.Token) ?? Task.CompletedTask;
        try
        {
            await SendMulticastAsync(query, cancellationToken).ConfigureAwait(false);
            if (oneShot is not null)
            {
                foreach (var packet in Pack(query with { Id = (ushort)Random.Shared.Next(1, ushort.MaxValue) }))
                {
                    if (await oneShot.SendAsync(packet, cancellationToken).ConfigureAwait(false))
                    {
                        Statistics.Sent();
                    }
                }
            }

            await CollectAsync(window, answered, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await listening.CancelAsync().ConfigureAwait(false);
            await receiving.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits out <paramref name="window"/>; with <paramref name="answered"/> (a re-ask), stops one
    /// <see cref="MdnsRegistryOptions.QueryTimeout"/> after it first holds, to collect the other nodes' answers too.
    /// </summary>
    private async Task CollectAsync(TimeSpan window, Func<bool>? answered, CancellationToken cancellationToken)
    {
        if (answered is null)
        {
            await Task.Delay(window, _timeProvider, cancellationToken).ConfigureAwait(false);
            return;
        }

        var started = _timeProvider.GetTimestamp();
        while (true)
        {
            var left = window - _timeProvider.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                return;
            }

            bool found;
            lock (_gate)
            {
                found = answered();
            }

            if (found)
            {
                await Task.Delay(left < _options.QueryTimeout ? left : _options.QueryTimeout, _timeProvider, cancellationToken).ConfigureAwait(false);
                return;
            }

            await Task.Delay(left < AnswerPoll ? left : AnswerPoll, _timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private void Sweep()
    {
        List<RegistryEvent> events;
        List<string> refresh;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            (events, refresh) = _cache.Sweep(now);
            foreach (var (key, at) in _lastMulticast.ToArray())
            {
                if (now - at > TimeSpan.FromSeconds(1))
                {
                    _lastMulticast.Remove(key);
                }
            }
        }

        Publish(events);
        if (refresh.Count > 0 && !_stopping.IsCancellationRequested)
        {
            // Refreshes are asked like lookups, so every process on a host gets a Go Micro node's unicast answers.
            var query = new DnsMessage { Questions = [.. refresh.Take(64).Select(n => new DnsQuestion(n, DnsRecordType.Any))] };
            Track(AskAsync(query, _options.QueryTimeout, answered: null, _stopping.Token));
        }
    }

    private void Publish(List<RegistryEvent> events)
    {
        foreach (var registryEvent in events)
        {
            Watchers.Publish(registryEvent);
        }
    }

    private void WarnIfSilent(bool nothingFound)
    {
        if (nothingFound && !_heardOthers && !_warnedSilence)
        {
            _warnedSilence = true;
            LogSilent(_transport?.InterfaceNames ?? string.Empty);
        }
    }

    private void Track(Task task)
    {
        lock (_gate)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(ObserveAsync(task));
        }
    }

    private async Task ObserveAsync(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        catch (Exception ex)
        {
            LogBackgroundFailed(ex);
        }
    }

    private async ValueTask SendMulticastAsync(DnsMessage message, CancellationToken cancellationToken)
    {
        var transport = _transport;
        if (transport is null)
        {
            return;
        }

        foreach (var packet in Pack(message))
        {
            if (await transport.SendMulticastAsync(packet, cancellationToken).ConfigureAwait(false))
            {
                Statistics.Sent();
            }
        }
    }

    private async ValueTask SendUnicastAsync(DnsMessage message, IPEndPoint destination, CancellationToken cancellationToken)
    {
        var transport = _transport;
        if (transport is null)
        {
            return;
        }

        foreach (var packet in Pack(message))
        {
            await transport.SendUnicastAsync(packet, destination, cancellationToken).ConfigureAwait(false);
            Statistics.Sent();
        }
    }

    /// <summary>Writes a message, splitting its records over several packets when it exceeds the mDNS packet limit.</summary>
    internal static IEnumerable<byte[]> Pack(DnsMessage message)
    {
        var bytes = DnsWriter.Write(message);
        var records = message.Answers.Count + message.Additionals.Count;
        if (bytes.Length <= MdnsTransport.MaxPacketSize || records <= 1)
        {
            if (bytes.Length <= MdnsTransport.MaxPacketSize)
            {
                yield return bytes;
            }

            yield break;
        }

        var all = message.Answers.Select(r => (Answer: true, Record: r)).Concat(message.Additionals.Select(r => (Answer: false, Record: r))).ToList();
        var half = all.Count / 2;
        foreach (var part in new[] { all[..half], all[half..] })
        {
            var piece = message with
            {
                Answers = [.. part.Where(p => p.Answer).Select(p => p.Record)],
                Additionals = [.. part.Where(p => !p.Answer).Select(p => p.Record)],
            };
            foreach (var packet in Pack(piece))
            {
                yield return packet;
            }
        }
    }
}
