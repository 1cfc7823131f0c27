using MicroHosting.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Core NATS as a MicroHosting broker: one subject per topic, NATS queue groups for queues, messages written in the
/// configured <see cref="NatsMessageFormat"/> and read in any format (<see cref="NatsWireFormat"/>). Core NATS delivers
/// at most once: messages published while no subscriber is connected, or while the connection is down beyond the
/// client's buffer, are lost. Reconnection is the client's; a publish waits at most
/// <see cref="NatsBrokerOptions.PublishTimeout"/> for a connection that is down.
/// </summary>
internal sealed partial class NatsBroker : IBroker
{
    private readonly NatsConnectionProvider _provider;
    private readonly MicroMetrics _metrics;
    private readonly ILoggerFactory _loggerFactory;
    private readonly NatsPayloadSerializer _serializer;
    private readonly TimeSpan _publishTimeout;
    private readonly TimeProvider _timeProvider;

    public NatsBroker(NatsConnectionProvider provider, IOptions<NatsBrokerOptions> options, ILoggerFactory loggerFactory, MicroMetrics metrics, TimeProvider? timeProvider = null)
    {
        _provider = provider;
        _metrics = metrics;
        _loggerFactory = loggerFactory;
        _timeProvider = timeProvider ?? TimeProvider.System;
        MessageFormat = options.Value.MessageFormat;
        _publishTimeout = options.Value.PublishTimeout;
        _serializer = NatsPayloadSerializer.For(MessageFormat);
    }

    public string Name => "nats";

    public string ServerUrl => _provider.ServerUrl;

    public NatsMessageFormat MessageFormat { get; }

    public NatsConnectionState? State => _provider.State;

    public ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);
        var connection = _provider.Connection;
        if (connection.ConnectionState != NatsConnectionState.Open)
        {
            // Down (or not connected yet): NATS.Net would hold the publish until it reconnects, however long that takes.
            return PublishBoundedAsync(connection, topic, message, cancellationToken);
        }

        // The serializer writes the payload straight into NATS.Net's pooled buffer before PublishAsync returns (or, while
        // connecting, once connected); NATS.Net keeps no reference to the message afterwards. The headers are rented: they
        // go back once NATS.Net's publish has completed, here or in NatsPendingPublish.
        var headers = NatsPublishHeaders.Rent(message, MessageFormat);
        var publish = connection.PublishAsync(topic, message, headers, serializer: _serializer, cancellationToken: cancellationToken);

        // Usually done at once (NATS.Net's write lock was free): no state machine for this call then.
        if (publish.IsCompletedSuccessfully)
        {
            publish.GetAwaiter().GetResult();
            NatsPublishHeaders.Return(headers);
            _metrics.Published(Name, topic);
            return ValueTask.CompletedTask;
        }

        // NATS.Net's write lock was busy: the caller resumes straight from NATS.Net, and the publish ends in EndPublish.
        return NatsPendingPublish.Start(this, publish, topic, headers);
    }

    /// <summary>
    /// Ends a publish that NATS.Net took after waiting for its write lock: reads NATS.Net's result (once), then counts the
    /// message, or turns NATS.Net's timeout on a connection that dropped meanwhile into the 503 that says what to fix.
    /// </summary>
    internal void EndPublish(ValueTask publish, string topic)
    {
        try
        {
            publish.GetAwaiter().GetResult();
        }
        catch (NatsException ex) when (ex is NatsTimeoutException || _provider.State != NatsConnectionState.Open)
        {
            // The connection dropped while this publish waited (NATS.Net's CommandTimeout is PublishTimeout). NATS.Net
            // notices a killed server some time after its socket died: its timeout can come while the state still says Open.
            _metrics.Dropped(Name, topic, "publish_timeout");
            throw new MicroException("go.micro.broker", 503, NotSent(topic, _provider.Connection), innerException: ex);
        }

        _metrics.Published(Name, topic);
    }

    private string NotSent(string topic, NatsConnection connection)
        => $"The NATS broker could not publish to '{topic}' within {_publishTimeout.TotalSeconds:0.###} s (Micro:Nats:PublishTimeout): the connection to {ServerUrl} is {connection.ConnectionState}. Core NATS keeps nothing: the message is not sent. Check that nats-server is reachable, publish again later, or use the jetstream broker for durable publishing.";

    private async ValueTask PublishBoundedAsync(NatsConnection connection, string topic, BrokerMessage message, CancellationToken cancellationToken)
    {
        using var timeout = new CancellationTokenSource(_publishTimeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        var headers = NatsPublishHeaders.Rent(message, MessageFormat);
        try
        {
            await connection.PublishAsync(topic, message, headers, serializer: _serializer, cancellationToken: linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Our bound or NATS.Net's own (its CommandTimeout is PublishTimeout too, and may fire first while it reconnects):
            // either way the caller did not cancel, so it gets the timeout's error, not a bare cancellation.
            _metrics.Dropped(Name, topic, "publish_timeout");
            throw new MicroException("go.micro.broker", 503, NotSent(topic, connection), innerException: ex);
        }
        catch (NatsException ex) when (ex is NatsTimeoutException || (connection.ConnectionState is NatsConnectionState.Reconnecting && ex.InnerException is not NatsException))
        {
            // NATS.Net's own publish timeout on a dropped connection (whatever the state says by now: it may be Open again).
            _metrics.Dropped(Name, topic, "publish_timeout");
            throw new MicroException("go.micro.broker", 503, NotSent(topic, connection), innerException: ex);
        }
        catch (NatsException ex) when (connection.ConnectionState != NatsConnectionState.Open)
        {
            _metrics.Dropped(Name, topic, "not_connected");
            throw new MicroException("go.micro.broker", 503, NatsConnectionProvider.ConnectFailed(ServerUrl, ex), innerException: ex);
        }
        finally
        {
            // NATS.Net's publish has completed, whatever its outcome: it holds the headers no longer.
            NatsPublishHeaders.Return(headers);
        }

        _metrics.Published(Name, topic);
    }

    public async ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        var connection = _provider.Connection;
        try
        {
            await connection.ConnectAsync().ConfigureAwait(false);
        }
        catch (NatsException ex)
        {
            throw new InvalidOperationException(NatsConnectionProvider.ConnectFailed(ServerUrl, ex), ex);
        }

        var subscription = new NatsBrokerSub(connection, topic, options?.Queue);
        await connection.AddSubAsync(subscription, cancellationToken).ConfigureAwait(false);

        // The server handles a connection's commands in order: once the PONG is back, the SUB is in force.
        await connection.PingAsync(cancellationToken).ConfigureAwait(false);
        return new NatsBrokerSubscription(this, subscription, topic, options?.Queue, handler, _loggerFactory.CreateLogger<NatsBrokerSubscription>());
    }

    internal void Received(string topic) => _metrics.Handled(Name, topic);

    internal void HandlerFailed(string topic) => _metrics.HandlerFailed(Name, topic);

    internal void Malformed(string topic) => _metrics.Dropped(Name, topic, "malformed");
}
