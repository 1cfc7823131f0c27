using MicroHosting.Hosting;
using Microsoft.Extensions.Options;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Creates, updates or verifies the JetStream stream, the dead-letter stream and the durable consumers from
/// <see cref="NatsJetStreamOptions"/>. The stream's subjects only grow: subjects another app added are kept.
/// </summary>
internal sealed class JetStreamTopology(NatsConnectionProvider provider, IOptions<NatsBrokerOptions> options, IOptions<MicroOptions> microOptions)
{
    private const int NotFound = 10059;
    private const int ConsumerNotFound = 10014;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly NatsJetStreamOptions _options = options.Value.JetStream;
    private NatsJSContext? _js;
    private HashSet<string> _covered = new(StringComparer.Ordinal);
    private bool _deadLetterReady;

    public NatsJSContext JetStream => _js ??= new NatsJSContext(provider.Connection);

    public NatsJetStreamOptions Options => _options;

    public string InstanceName => string.IsNullOrWhiteSpace(_options.InstanceName)
        ? $"{microOptions.Value.Name ?? "micro"}-{Environment.MachineName}"
        : _options.InstanceName;

    public string DeadLetterSubject(string topic) => $"{_options.DeadLetterPrefix}.{topic}";

    /// <summary>Gets whether this app already added <paramref name="topic"/> to the main stream (or found it there).</summary>
    public bool Covers(string topic) => _covered.Contains(topic);

    /// <summary>Ensures both streams, the main one storing the configured subjects and <paramref name="topic"/> (when given).</summary>
    public async Task EnsureStreamsAsync(string? topic, CancellationToken cancellationToken)
    {
        if (_deadLetterReady && (topic is null || _covered.Contains(topic)))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var needed = _options.Subjects.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
            if (topic is not null && !needed.Any(s => JetStreamNames.Covers(s, topic)))
            {
                needed.Add(topic);
            }

            if (needed.Count > 0 || topic is not null)
            {
                await EnsureStreamAsync(MainStream(needed), cancellationToken).ConfigureAwait(false);
            }

            if (!_deadLetterReady)
            {
                await EnsureStreamAsync(DeadLetterStream(), cancellationToken).ConfigureAwait(false);
                _deadLetterReady = true;
            }

            if (topic is not null)
            {
                _covered = new HashSet<string>(_covered, StringComparer.Ordinal) { topic };
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Creates the durable consumer of a subscription, or updates it; an existing consumer keeps its start position.</summary>
    public async Task<INatsJSConsumer> EnsureConsumerAsync(string name, string topic, CancellationToken cancellationToken)
    {
        ConsumerConfig? existing = null;
        try
        {
            existing = (await JetStream.GetConsumerAsync(_options.Stream, name, cancellationToken).ConfigureAwait(false)).Info.Config;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == ConsumerNotFound || ex.Error.Code == 404)
        {
            // Created below.
        }

        if (existing is not null && existing.FilterSubject != topic)
        {
            throw new InvalidOperationException($"The JetStream consumer '{name}' of stream '{_options.Stream}' reads '{existing.FilterSubject}', not '{topic}': another subscription uses that name. Use another queue group name or Micro:Nats:JetStream:InstanceName.");
        }

        var config = new ConsumerConfig(name)
        {
            FilterSubject = topic,
            AckPolicy = ConsumerConfigAckPolicy.Explicit,
            AckWait = _options.AckWait,

            // Unlimited on the server: the subscription counts deliveries itself, so a message whose last delivery was lost
            // (the subscriber crashed) comes back once more and is dead-lettered instead of silently left behind.
            MaxDeliver = -1,
            MaxAckPending = _options.MaxAckPending,
            DeliverPolicy = existing?.DeliverPolicy ?? _options.DeliverFrom switch
            {
                NatsJetStreamStart.New => ConsumerConfigDeliverPolicy.New,
                NatsJetStreamStart.ByTime => ConsumerConfigDeliverPolicy.ByStartTime,
                NatsJetStreamStart.BySequence => ConsumerConfigDeliverPolicy.ByStartSequence,
                _ => ConsumerConfigDeliverPolicy.All,
            },
            Description = $"MicroHosting subscription to {topic}",
        };
        if (existing is not null)
        {
            config.OptStartSeq = existing.OptStartSeq;
            config.OptStartTime = existing.OptStartTime;
        }
        else if (_options.DeliverFrom == NatsJetStreamStart.ByTime)
        {
            config.OptStartTime = _options.StartTime ?? default;
        }
        else if (_options.DeliverFrom == NatsJetStreamStart.BySequence)
        {
            config.OptStartSeq = _options.StartSequence ?? 1;
        }

        try
        {
            return await JetStream.CreateOrUpdateConsumerAsync(_options.Stream, config, cancellationToken).ConfigureAwait(false);
        }
        catch (NatsJSApiException ex)
        {
            throw new InvalidOperationException($"Could not create the JetStream consumer '{name}' for '{topic}' on stream '{_options.Stream}': {ex.Error.Description} (error {ex.Error.ErrCode}).", ex);
        }
    }

    private StreamConfig MainStream(List<string> subjects) => new(_options.Stream, subjects)
    {
        Retention = _options.Retention switch
        {
            NatsJetStreamRetention.Interest => StreamConfigRetention.Interest,
            NatsJetStreamRetention.WorkQueue => StreamConfigRetention.Workqueue,
            _ => StreamConfigRetention.Limits,
        },
        Storage = _options.FileStorage ? StreamConfigStorage.File : StreamConfigStorage.Memory,
        MaxAge = _options.MaxAge,
        MaxMsgs = _options.MaxMessages,
        MaxBytes = _options.MaxBytes,
        NumReplicas = _options.Replicas,
        DuplicateWindow = _options.DuplicateWindow,
        Description = "MicroHosting messages",
    };

    private StreamConfig DeadLetterStream() => new(_options.DeadLetterStream, [$"{_options.DeadLetterPrefix}.>"])
    {
        Retention = StreamConfigRetention.Limits,
        Storage = _options.FileStorage ? StreamConfigStorage.File : StreamConfigStorage.Memory,
        MaxAge = _options.DeadLetterMaxAge,
        NumReplicas = _options.Replicas,
        DuplicateWindow = _options.DuplicateWindow,
        Description = "MicroHosting dead letters",
    };

    private async Task EnsureStreamAsync(StreamConfig wanted, CancellationToken cancellationToken)
    {
        StreamConfig? existing = null;
        try
        {
            existing = (await JetStream.GetStreamAsync(wanted.Name!, cancellationToken: cancellationToken).ConfigureAwait(false)).Info.Config;
        }
        catch (NatsJSApiException ex) when (ex.Error.ErrCode == NotFound || ex.Error.Code == 404)
        {
            // Created below.
        }

        var wantedSubjects = wanted.Subjects ?? [];
        var missing = wantedSubjects.Where(s => existing?.Subjects?.Any(f => JetStreamNames.Covers(f, s)) != true).ToList();
        if (!_options.CreateStreams)
        {
            if (existing is null)
            {
                throw new InvalidOperationException($"The JetStream stream '{wanted.Name}' does not exist on {provider.ServerUrl}: create it (subjects {string.Join(", ", wantedSubjects)}) or set Micro:Nats:JetStream:CreateStreams to true.");
            }

            if (missing.Count > 0)
            {
                throw new InvalidOperationException($"The JetStream stream '{wanted.Name}' does not store {string.Join(", ", missing)}: add the subject(s) to the stream or set Micro:Nats:JetStream:CreateStreams to true.");
            }

            return;
        }

        try
        {
            if (existing is null)
            {
                await JetStream.CreateStreamAsync(wanted, cancellationToken).ConfigureAwait(false);
                return;
            }

            wanted.Subjects = [.. existing.Subjects ?? [], .. missing];
            if (missing.Count > 0 || !SameLimits(existing, wanted))
            {
                await JetStream.UpdateStreamAsync(wanted, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (NatsJSApiException ex)
        {
            throw new InvalidOperationException($"Could not create or update the JetStream stream '{wanted.Name}' (subjects {string.Join(", ", wanted.Subjects ?? [])}) on {provider.ServerUrl}: {ex.Error.Description} (error {ex.Error.ErrCode}). Check Micro:Nats:JetStream (subjects may not overlap another stream's; storage and retention of an existing stream cannot change).", ex);
        }
    }

    private static bool SameLimits(StreamConfig a, StreamConfig b)
        => a.Retention == b.Retention && a.Storage == b.Storage && a.MaxAge == b.MaxAge && a.MaxMsgs == b.MaxMsgs
            && a.MaxBytes == b.MaxBytes && a.NumReplicas == b.NumReplicas && a.DuplicateWindow == b.DuplicateWindow;
}
