using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MicroHosting.Diagnostics;

/// <summary>
/// Every instrument of the <c>MicroHosting</c> meter: RPC, client, registry and pub/sub. The meter comes from the host's
/// <see cref="IMeterFactory"/> (one per service provider), so OpenTelemetry's <c>AddMeter("MicroHosting")</c> sees it
/// and a test can collect one host's measurements. RPC names and attributes follow OpenTelemetry's RPC semantic conventions.
/// <para>
/// A broker plug-in resolves it from the container and records its pub/sub counts through the public methods, as the
/// http and NATS brokers do; MicroHosting records the RPC, client and registry instruments itself.
/// </para>
/// </summary>
public sealed partial class MicroMetrics
{
    private static readonly InstrumentAdvice<double> DurationAdvice = new()
    {
        HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    };

    private readonly Histogram<double> _serverDuration;
    private readonly Histogram<double> _clientDuration;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _ejections;
    private readonly Counter<long> _registryOperations;
    private readonly Counter<long> _registryEvents;

    internal MicroMetrics(IMeterFactory meterFactory)
    {
        var meter = CreateMeter(meterFactory);
        _serverDuration = meter.CreateHistogram(
            "rpc.server.call.duration", "s", "Duration of RPCs served, by service, endpoint and status code.", advice: DurationAdvice);
        _clientDuration = meter.CreateHistogram(
            "rpc.client.call.duration", "s", "Duration of RPCs made through the MicroHosting client (all attempts), by service, endpoint and status code.", advice: DurationAdvice);
        _retries = meter.CreateCounter<long>("microhosting.client.retries", "{attempt}", "Client attempts that were retries of a failed attempt.");
        _ejections = meter.CreateCounter<long>("microhosting.client.ejections", "{ejection}", "Nodes the client ejected (outlier detection).");
        _registryOperations = meter.CreateCounter<long>("microhosting.registry.operations", "{operation}", "Registrations and deregistrations of this node, by outcome.");
        _registryEvents = meter.CreateCounter<long>("microhosting.registry.events", "{event}", "Registry watch events the client cache received (create, update, delete).");
        _published = meter.CreateCounter<long>("microhosting.broker.published", "{message}", "Messages accepted by a broker for publishing.");
        _dropped = meter.CreateCounter<long>("microhosting.broker.dropped", "{message}", "Messages dropped before delivery (outbound queue full, no subscribers).");
        _delivered = meter.CreateCounter<long>("microhosting.broker.delivered", "{delivery}", "Deliveries a subscriber acknowledged (http broker).");
        _deliveryFailed = meter.CreateCounter<long>("microhosting.broker.delivery_failed", "{delivery}", "Deliveries given up after every retry (http broker).");
        _deliveryRetried = meter.CreateCounter<long>("microhosting.broker.delivery_retried", "{attempt}", "Delivery attempts that failed and were retried (http broker).");
        _handled = meter.CreateCounter<long>("microhosting.broker.handled", "{message}", "Messages a subscriber handled successfully.");
        _handlerFailed = meter.CreateCounter<long>("microhosting.broker.handler_failed", "{message}", "Messages whose subscriber threw.");
    }

    /// <summary>The meter every MicroHosting instrument lives on; the factory returns the same meter for the same name.</summary>
    internal static Meter CreateMeter(IMeterFactory meterFactory)
        => meterFactory.Create(new MeterOptions(MicroTelemetry.Name) { Version = MicroTelemetry.Version });

    /// <summary>Records a served call; <paramref name="stream"/> (the <c>micro.stream</c> tag) names a stream's kind, <see langword="null"/> for request/reply.</summary>
    internal void ServerCall(string service, string endpoint, int statusCode, TimeSpan elapsed, string? stream = null)
    {
        if (_serverDuration.Enabled)
        {
            _serverDuration.Record(elapsed.TotalSeconds, RpcTags(service, endpoint, statusCode, errorType: null, stream));
        }
    }

    /// <summary>
    /// Records a client call (all attempts; a stream from opening to its end) that started at the <see cref="Stopwatch"/>
    /// timestamp <paramref name="started"/>; <paramref name="stream"/> as for <see cref="ServerCall"/>. The clock is read
    /// only while the instrument is listened to.
    /// </summary>
    internal void ClientCall(string service, string endpoint, int statusCode, string? errorType, long started, string? stream = null)
    {
        if (_clientDuration.Enabled)
        {
            _clientDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, RpcTags(service, endpoint, statusCode, errorType, stream));
        }
    }

    internal void Retried(string service, string? endpoint)
    {
        var (type, method) = MicroTelemetry.Split(endpoint ?? string.Empty);
        _retries.Add(1, new TagList { { "rpc.system", MicroTelemetry.RpcSystem }, { "rpc.service", type }, { "rpc.method", method }, { "micro.service", service } });
    }

    internal void Ejected(string address)
        => _ejections.Add(1, new KeyValuePair<string, object?>("server.address", address));

    internal void RegistryOperation(string registry, string operation, bool succeeded)
        => _registryOperations.Add(1, new TagList { { "micro.registry", registry }, { "micro.registry.operation", operation }, { "outcome", succeeded ? "ok" : "error" } });

    internal void RegistryEvent(string registry, string type)
        => _registryEvents.Add(1, new TagList { { "micro.registry", registry }, { "micro.registry.event", type } });

    private static TagList RpcTags(string service, string endpoint, int statusCode, string? errorType, string? stream)
    {
        var (type, method) = MicroTelemetry.Split(endpoint);
        var tags = new TagList
        {
            { "rpc.system", MicroTelemetry.RpcSystem },
            { "rpc.service", type },
            { "rpc.method", method },
            { "micro.service", service },
            { "rpc.response.status_code", statusCode },
        };
        if (errorType is not null)
        {
            tags.Add("error.type", errorType);
        }

        if (stream is not null)
        {
            tags.Add(MicroTelemetry.StreamTag, stream);
        }

        return tags;
    }
}
