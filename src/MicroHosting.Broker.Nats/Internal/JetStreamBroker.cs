using System.Globalization;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;
using NATS.Client.Core;
using NATS.Client.JetStream;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// NATS JetStream as a MicroHosting broker: at least once. A publish returns once the stream stored the message (retried
/// with the same <c>Nats-Msg-Id</c> during an outage, so it is stored once); each subscription reads a durable consumer
/// (<see cref="JetStreamSubscription"/>) and acknowledges a message only after its handler succeeded.
/// </summary>
internal sealed partial class JetStreamBroker(
    NatsConnectionProvider provider,
    JetStreamTopology topology,
    MicroMetrics metrics,
    TimeProvider timeProvider,
    ILoggerFactory loggerFactory,
    ILogger<JetStreamBroker> logger) : IBroker
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);
    private readonly ILogger<JetStreamBroker> _logger = logger;

    public string Name => "jetstream";

    internal string ServerUrl => provider.ServerUrl;

    internal MicroMetrics Metrics => metrics;

    internal JetStreamTopology Topology => topology;

    internal TimeProvider TimeProvider => timeProvider;

    public async ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        var headers = NatsWireFormat.HeadersFor(message, NatsMessageFormat.Headers) ?? new NatsHeaders();
        var id = message.GetHeader(JetStreamHeaders.MsgId) ?? message.GetHeader("Micro-Id") ?? Guid.NewGuid().ToString();
        headers[JetStreamHeaders.MsgId] = id;
        await PublishStoredAsync(topic, message.Body, headers, id, addSubject: true, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        await topology.EnsureStreamsAsync(topic, cancellationToken).ConfigureAwait(false);
        var name = JetStreamNames.Consumer(topic, options?.Queue, topology.InstanceName);
        var consumer = await topology.EnsureConsumerAsync(name, topic, cancellationToken).ConfigureAwait(false);
        LogConsumerReady(name, topology.Options.Stream, topic);
        return new JetStreamSubscription(this, consumer, name, topic, options?.Queue, handler, loggerFactory.CreateLogger<JetStreamSubscription>());
    }

    /// <summary>
    /// Publishes to the stream and waits for its acknowledgement, sending again (same message id, so stored once) while the
    /// server does not answer, until <see cref="NatsJetStreamOptions.PublishTimeout"/> has passed.
    /// </summary>
    internal async Task PublishStoredAsync(string subject, ReadOnlyMemory<byte> body, NatsHeaders headers, string id, bool addSubject, CancellationToken cancellationToken)
    {
        var options = topology.Options;
        var started = timeProvider.GetTimestamp();
        var delay = FirstRetryDelay;
        string? subjectToAdd = null; // set once the stream was found not to store the subject (then tried at most once)
        string? lastError = null;
        while (true)
        {
            var left = options.PublishTimeout - timeProvider.GetElapsedTime(started);
            if (left <= TimeSpan.Zero)
            {
                metrics.Dropped(Name, subject, "publish_timeout");
                throw new MicroException(
                    "go.micro.broker",
                    503,
                    $"JetStream did not acknowledge the message to '{subject}' (Nats-Msg-Id {id}) within {options.PublishTimeout.TotalSeconds:0.###} s (Micro:Nats:JetStream:PublishTimeout): {lastError ?? "no answer"}. It may not be stored: publish it again with the same Micro-Id / Nats-Msg-Id and the stream stores it once.");
            }

            using var attempt = new CancellationTokenSource(left < options.PublishAttemptTimeout ? left : options.PublishAttemptTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(attempt.Token, cancellationToken);
            try
            {
                // Adding a subject is part of the attempt: bounded by its timeout, and retried like it during an outage.
                await topology.EnsureStreamsAsync(subjectToAdd, linked.Token).ConfigureAwait(false);
                var ack = await topology.JetStream.PublishAsync(
                    subject,
                    body,
                    NatsRawSerializer<ReadOnlyMemory<byte>>.Default,
                    new NatsJSPubOpts { MsgId = id, RetryAttempts = 1 },
                    headers,
                    linked.Token).ConfigureAwait(false);
                if (ack.Error is { } error)
                {
                    metrics.Dropped(Name, subject, "refused");
                    throw new MicroException("go.micro.broker", 503, $"JetStream refused the message to '{subject}' (Nats-Msg-Id {id}): {error.Description} (error {error.ErrCode}). It is not stored.");
                }

                if (ack.Duplicate)
                {
                    LogDuplicate(subject, id, ack.Seq);
                }
                else
                {
                    metrics.Published(Name, subject);
                }

                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (OperationCanceledException)
            {
                lastError = subjectToAdd is not null && !topology.Covers(subjectToAdd)
                    ? $"adding '{subjectToAdd}' to stream '{options.Stream}' got no answer within {options.PublishAttemptTimeout.TotalSeconds:0.###} s (connection {provider.State}; a NATS user without permission to publish to $JS.API.STREAM.UPDATE.{options.Stream} gets none: grant it, or add the subject to the stream, e.g. in Micro:Nats:JetStream:Subjects)"
                    : $"no acknowledgement within {options.PublishAttemptTimeout.TotalSeconds:0.###} s (connection {provider.State})";
            }
            catch (InvalidOperationException ex)
            {
                // The topology could not make a stream store the subject; its message says what to fix.
                metrics.Dropped(Name, subject, "refused");
                throw new MicroException("go.micro.broker", 503, $"JetStream cannot store the message to '{subject}' (Nats-Msg-Id {id}): {ex.Message} It is not stored.", innerException: ex);
            }
            catch (NatsJSPublishNoResponseException) when (addSubject && subjectToAdd is null && options.CreateStreams && provider.State == NatsConnectionState.Open)
            {
                // No stream stores the subject yet: a publisher that does not subscribe adds its topic, as subscribers do,
                // in the next attempt (at once).
                subjectToAdd = subject;
                lastError = $"no JetStream stream stores '{subject}'";
                continue;
            }
            catch (NatsJSPublishNoResponseException)
            {
                lastError = provider.State == NatsConnectionState.Open
                    ? $"no JetStream stream stores '{subject}' (add it to Micro:Nats:JetStream:Subjects), or JetStream is not enabled on {provider.ServerUrl} (nats-server -js)"
                    : $"the connection to {provider.ServerUrl} is {provider.State}";
            }
            catch (NatsNoRespondersException)
            {
                lastError = $"no JetStream stream stores '{subject}' or JetStream is not ready on {provider.ServerUrl}";
            }
            catch (NatsJSApiException ex)
            {
                metrics.Dropped(Name, subject, "refused");
                throw new MicroException("go.micro.broker", 503, $"JetStream refused the message to '{subject}' (Nats-Msg-Id {id}): {ex.Error.Description} (error {ex.Error.ErrCode}). It is not stored.", innerException: ex);
            }
            catch (NatsException ex)
            {
                lastError = provider.State == NatsConnectionState.Open ? ex.Message : NatsConnectionProvider.ConnectFailed(provider.ServerUrl, ex);
            }

            LogPublishRetry(subject, id, lastError);
            var wait = delay < left ? delay : left;
            await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
            delay = delay * 2 < MaxRetryDelay ? delay * 2 : MaxRetryDelay;
        }
    }

    /// <summary>A time as the broker writes it in headers: ISO 8601, UTC.</summary>
    internal static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = NatsEventIds.JetStreamConsumerReady, EventName = "JetStreamConsumerReady", Level = LogLevel.Information, Message = "JetStream consumer {Consumer} of stream {Stream} reads {Topic}.")]
    private partial void LogConsumerReady(string consumer, string stream, string topic);

    [LoggerMessage(EventId = NatsEventIds.JetStreamPublishRetry, EventName = "JetStreamPublishRetry", Level = LogLevel.Debug, Message = "Publishing to {Topic} (Nats-Msg-Id {Id}) is retried: {Reason}.")]
    private partial void LogPublishRetry(string topic, string id, string reason);

    [LoggerMessage(EventId = NatsEventIds.JetStreamDuplicate, EventName = "JetStreamDuplicate", Level = LogLevel.Debug, Message = "The stream already stored the message to {Topic} with Nats-Msg-Id {Id} (sequence {Sequence}); not stored again.")]
    private partial void LogDuplicate(string topic, string id, ulong sequence);
}
