using NATS.Client.Core;

namespace MicroHosting.Broker.Nats;

/// <summary>Settings of the NATS broker. <c>MICRO_BROKER_ADDRESS</c> (<see cref="Hosting.MicroOptions.BrokerAddress"/>) wins over <see cref="Url"/>.</summary>
public sealed class NatsBrokerOptions
{
    /// <summary>
    /// Gets or sets the server list, comma separated: <c>nats://host:port</c> or Go Micro's bare <c>host:port</c>.
    /// Default <c>nats://127.0.0.1:4222</c>.
    /// </summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// Gets or sets further NATS.Net settings applied last (credentials, TLS, reconnect waits), for example
    /// <c>o => o with { ReconnectWaitMax = TimeSpan.FromSeconds(5) }</c>. Default <see langword="null"/>.
    /// </summary>
    public Func<NatsOpts, NatsOpts>? ConfigureNats { get; set; }
}
