using System.Runtime.CompilerServices;
using MicroHosting.Broker.Internal;
using MicroHosting.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// Core NATS as a MicroHosting broker: one subject per topic, NATS queue groups for queues, messages written in the
/// configured <see cref="NatsMessageFormat"/> and read in any format (<see cref="NatsWireFormat"/>). Core NATS delivers
/// at most once: messages published while no subscriber is connected, or while the connection is down beyond the
/// client's buffer, are lost. Reconnection is the client's.
/// </summary>
internal sealed partial class NatsBroker : IBroker, IAsyncDisposable, IDisposable
{
    private readonly Lazy<NatsConnection> _connection;
    private readonly BrokerMetrics _metrics;
    private readonly ILogger<NatsBroker> _logger;
    private readonly ILoggerFactory _loggerFactory;
    private readonly NatsPayloadSerializer _serializer;

    public NatsBroker(IOptions<NatsBrokerOptions> options, IOptions<MicroOptions> microOptions, ILoggerFactory loggerFactory, BrokerMetrics metrics, ILogger<NatsBroker> logger)
    {
        _metrics = metrics;
        _logger = logger;
        _loggerFactory = loggerFactory;
        ServerUrl = NormalizeUrl(microOptions.Value.BrokerAddress ?? options.Value.Url);
        MessageFormat = options.Value.MessageFormat;
        _serializer = NatsPayloadSerializer.For(MessageFormat);
        var opts = NatsOpts.Default with
        {
            Url = ServerUrl,
            Name = microOptions.Value.Name ?? "microhosting",
            LoggerFactory = loggerFactory,
            MaxReconnectRetry = -1,
        };
        if (options.Value.ConfigureNats is { } configure)
        {
            opts = configure(opts);
        }

        _connection = new Lazy<NatsConnection>(() => Connect(opts));
    }

    public string Name => "nats";

    public string ServerUrl { get; }

    public NatsMessageFormat MessageFormat { get; }

    public NatsConnectionState? State => _connection.IsValueCreated ? _connection.Value.ConnectionState : null;

    public ValueTask PublishAsync(string topic, BrokerMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(message);

        // The serializer writes the payload straight into NATS.Net's pooled buffer before PublishAsync returns (or, while
        // connecting, once connected); NATS.Net keeps no reference to the message afterwards.
        var publish = _connection.Value.PublishAsync(
            topic,
            message,
            NatsWireFormat.HeadersFor(message, MessageFormat),
            serializer: _serializer,
            cancellationToken: cancellationToken);

        // Usually done at once (NATS.Net's write lock was free): no state machine for this call then.
        if (publish.IsCompletedSuccessfully)
        {
            publish.GetAwaiter().GetResult();
            _metrics.Published(Name, topic);
            return ValueTask.CompletedTask;
        }

        return AwaitPublishAsync(publish, topic);
    }

    /// <summary>NATS.Net's write lock was busy: pooled, as NATS.Net's own publish path is, so no box per such message.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitPublishAsync(ValueTask publish, string topic)
    {
        await publish.ConfigureAwait(false);
        _metrics.Published(Name, topic);
    }

    public async ValueTask<IBrokerSubscription> SubscribeAsync(string topic, BrokerHandler handler, BrokerSubscribeOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(handler);
        var connection = _connection.Value;
        await connection.ConnectAsync().ConfigureAwait(false);
        var subscription = await connection.SubscribeCoreAsync<byte[]>(topic, options?.Queue, cancellationToken: cancellationToken).ConfigureAwait(false);

        // The server handles a connection's commands in order: once the PONG is back, the SUB is in force.
        await connection.PingAsync(cancellationToken).ConfigureAwait(false);
        return new NatsBrokerSubscription(this, subscription, topic, options?.Queue, handler, _loggerFactory.CreateLogger<NatsBrokerSubscription>());
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection.IsValueCreated)
        {
            await _connection.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>For containers disposed synchronously; <see cref="DisposeAsync"/> is the real path.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Accepts Go Micro's bare <c>host:port</c> list as well as <c>nats://</c> URLs.</summary>
    internal static string NormalizeUrl(string addresses)
    {
        var urls = addresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a.Contains("://", StringComparison.Ordinal) ? a : "nats://" + a)
            .ToArray();
        if (urls.Length == 0)
        {
            throw new InvalidOperationException("The NATS broker address is empty: set MICRO_BROKER_ADDRESS (for example 127.0.0.1:4222) or AddNatsBroker(o => o.Url = \"nats://host:4222\").");
        }

        return string.Join(',', urls);
    }

    internal void Received(string topic) => _metrics.Handled(Name, topic);

    internal void HandlerFailed(string topic) => _metrics.HandlerFailed(Name, topic);

    internal void Malformed(string topic) => _metrics.Dropped(Name, topic, "malformed");

    private NatsConnection Connect(NatsOpts opts)
    {
        var connection = new NatsConnection(opts);
        connection.ConnectionOpened += (_, args) =>
        {
            LogConnected(ServerUrl, args.Message);
            return ValueTask.CompletedTask;
        };
        connection.ConnectionDisconnected += (_, args) =>
        {
            LogDisconnected(ServerUrl, args.Message);
            return ValueTask.CompletedTask;
        };
        connection.ReconnectFailed += (_, args) =>
        {
            LogReconnectFailed(ServerUrl, args.Message);
            return ValueTask.CompletedTask;
        };
        connection.MessageDropped += (_, args) =>
        {
            _metrics.Dropped(Name, args.Subject, "slow_consumer");
            LogMessageDropped(args.Subject, args.Pending);
            return ValueTask.CompletedTask;
        };
        return connection;
    }

    [LoggerMessage(EventId = 700, EventName = "NatsConnected", Level = LogLevel.Information, Message = "NATS broker connected to {Url} ({Detail}).")]
    private partial void LogConnected(string url, string detail);

    [LoggerMessage(EventId = 701, EventName = "NatsDisconnected", Level = LogLevel.Warning, Message = "NATS broker lost its connection to {Url} ({Detail}); the client reconnects. Core NATS does not keep messages published meanwhile for subscribers.")]
    private partial void LogDisconnected(string url, string detail);

    [LoggerMessage(EventId = 702, EventName = "NatsReconnectFailed", Level = LogLevel.Warning, Message = "NATS broker could not reconnect to {Url} yet ({Detail}); retrying.")]
    private partial void LogReconnectFailed(string url, string detail);

    [LoggerMessage(EventId = 703, EventName = "NatsMessageDropped", Level = LogLevel.Warning, Message = "A message of {Subject} was dropped: the subscriber is too slow ({Pending} pending).")]
    private partial void LogMessageDropped(string subject, int pending);
}
