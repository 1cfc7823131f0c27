using MicroHosting.Diagnostics;
using MicroHosting.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>
/// The one NATS connection of the app, shared by the core NATS and the JetStream broker: its settings (address,
/// credentials, TLS) from <see cref="NatsBrokerOptions"/>, created on first use, and its connection events logged.
/// </summary>
internal sealed partial class NatsConnectionProvider : IAsyncDisposable, IDisposable
{
    private readonly Lazy<NatsConnection> _connection;
    private readonly MicroMetrics _metrics;
    private readonly ILogger<NatsConnectionProvider> _logger;

    public NatsConnectionProvider(IOptions<NatsBrokerOptions> options, IOptions<MicroOptions> microOptions, ILoggerFactory loggerFactory, MicroMetrics metrics, ILogger<NatsConnectionProvider> logger)
    {
        _metrics = metrics;
        _logger = logger;
        ServerUrl = NormalizeUrl(microOptions.Value.BrokerAddress ?? options.Value.Url);
        var opts = NatsOpts.Default with
        {
            Url = ServerUrl,
            Name = microOptions.Value.Name ?? "microhosting",
            LoggerFactory = loggerFactory,
            MaxReconnectRetry = -1,

            // A publish that meets a dropped connection (also one already waiting for NATS.Net's write lock) gives up
            // after PublishTimeout instead of waiting for the reconnect; the brokers turn that into a clear error.
            PublishTimeoutOnDisconnected = true,
            CommandTimeout = options.Value.PublishTimeout,
            AuthOpts = AuthOpts(options.Value),
            TlsOpts = TlsOpts(options.Value),
        };
        if (options.Value.ConfigureNats is { } configure)
        {
            opts = configure(opts);
        }

        _connection = new Lazy<NatsConnection>(() => Connect(opts));
    }

    public string ServerUrl { get; }

    public NatsConnection Connection => _connection.Value;

    public NatsConnectionState? State => _connection.IsValueCreated ? _connection.Value.ConnectionState : null;

    /// <summary>Accepts Go Micro's bare <c>host:port</c> list as well as <c>nats://</c> URLs.</summary>
    public static string NormalizeUrl(string addresses)
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

    /// <summary>The message for a connection that could not be opened: the server's reason and what to check.</summary>
    public static string ConnectFailed(string url, NatsException error)
    {
        var reason = error.InnerException?.Message ?? error.Message;
        var tls = error.InnerException is System.Security.Authentication.AuthenticationException
            || reason.Contains("certificate", StringComparison.OrdinalIgnoreCase)
            || reason.Contains("TLS", StringComparison.Ordinal) || reason.Contains("SSL", StringComparison.Ordinal);
        var hint = tls
            ? "check TLS (Micro:Nats:TlsCaFile must hold the CA of the server's certificate; TlsCertFile/TlsKeyFile when the server verifies clients)"
            : reason.Contains("Authorization", StringComparison.OrdinalIgnoreCase) || reason.Contains("Authentication", StringComparison.OrdinalIgnoreCase)
                ? "check the credentials (Micro:Nats:Token, User/Password, NKeySeed or CredentialsFile)"
                : "check that nats-server runs there (MICRO_BROKER_ADDRESS / Micro:Nats:Url)";
        return $"The NATS broker could not connect to {url}: {reason}; {hint}.";
    }

    /// <summary>
    /// Closes the connection when the app stops. During an outage NATS.Net's close can fail (its last commands time out
    /// on the dropped connection); the app is stopping either way, so that is logged, not thrown from the host's dispose.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (!_connection.IsValueCreated)
        {
            return;
        }

        try
        {
            await _connection.Value.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NatsException or OperationCanceledException or ObjectDisposedException or IOException)
        {
            LogCloseFailed(ServerUrl, ex);
        }
    }

    /// <summary>For containers disposed synchronously; <see cref="DisposeAsync"/> is the real path.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    internal static NatsAuthOpts AuthOpts(NatsBrokerOptions options) => NatsAuthOpts.Default with
    {
        Username = Blank(options.User),
        Password = Blank(options.Password),
        Token = Blank(options.Token),
        Seed = Blank(options.NKeySeed),

        // The server checks the signature against the public key the client announces, which the seed determines.
        NKey = Blank(options.NKeySeed) is { } seed ? PublicKey(seed) : null,
        CredsFile = Blank(options.CredentialsFile),
    };

    internal static NatsTlsOpts TlsOpts(NatsBrokerOptions options)
    {
        var anyFile = options.TlsCaFile is { Length: > 0 } || options.TlsCertFile is { Length: > 0 };
        return NatsTlsOpts.Default with
        {
            CaFile = Blank(options.TlsCaFile),
            CertFile = Blank(options.TlsCertFile),
            KeyFile = Blank(options.TlsKeyFile),
            Mode = options.TlsRequired || anyFile ? TlsMode.Require : TlsMode.Auto,
        };
    }

    private static string PublicKey(string seed)
    {
        try
        {
            using var pair = NATS.NKeys.KeyPair.FromSeed(seed);
            return pair.GetPublicKey();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException("Micro:Nats:NKeySeed is not an NKey seed: use the seed nsc or nk wrote (it starts with SU for a user).", ex);
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

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
            _metrics.Dropped("nats", args.Subject, "slow_consumer");
            LogMessageDropped(args.Subject, args.Pending);
            return ValueTask.CompletedTask;
        };
        return connection;
    }

    [LoggerMessage(EventId = NatsEventIds.NatsConnected, EventName = "NatsConnected", Level = LogLevel.Information, Message = "NATS broker connected to {Url} ({Detail}).")]
    private partial void LogConnected(string url, string detail);

    [LoggerMessage(EventId = NatsEventIds.NatsDisconnected, EventName = "NatsDisconnected", Level = LogLevel.Warning, Message = "NATS broker lost its connection to {Url} ({Detail}); the client reconnects. Core NATS does not keep messages published meanwhile for subscribers.")]
    private partial void LogDisconnected(string url, string detail);

    [LoggerMessage(EventId = NatsEventIds.NatsReconnectFailed, EventName = "NatsReconnectFailed", Level = LogLevel.Warning, Message = "NATS broker could not reconnect to {Url} yet ({Detail}); retrying.")]
    private partial void LogReconnectFailed(string url, string detail);

    [LoggerMessage(EventId = NatsEventIds.NatsMessageDropped, EventName = "NatsMessageDropped", Level = LogLevel.Warning, Message = "A message of {Subject} was dropped: the subscriber is too slow ({Pending} pending).")]
    private partial void LogMessageDropped(string subject, int pending);

    [LoggerMessage(EventId = NatsEventIds.NatsCloseFailed, EventName = "NatsCloseFailed", Level = LogLevel.Warning, Message = "NATS broker could not close its connection to {Url} cleanly while stopping; nothing more is sent or received.")]
    private partial void LogCloseFailed(string url, Exception exception);
}
