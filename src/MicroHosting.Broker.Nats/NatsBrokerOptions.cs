using NATS.Client.Core;

namespace MicroHosting.Broker.Nats;

/// <summary>
/// Settings of the NATS broker, bound from the <c>Micro:Nats</c> configuration section (configuration wins over code) and
/// validated when the host starts. <c>MICRO_BROKER_ADDRESS</c> (<see cref="Hosting.MicroOptions.BrokerAddress"/>) wins over <see cref="Url"/>.
/// </summary>
public sealed class NatsBrokerOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string SectionName = "Micro:Nats";

    /// <summary>
    /// Gets or sets the server list, comma separated: <c>nats://host:port</c> or Go Micro's bare <c>host:port</c>.
    /// Default <c>nats://127.0.0.1:4222</c>.
    /// </summary>
    public string Url { get; set; } = "nats://127.0.0.1:4222";

    /// <summary>
    /// Gets or sets how published messages are written (<c>Micro:Nats:MessageFormat</c>): <see cref="NatsMessageFormat.GoMicro"/>
    /// (the default), Go Micro's JSON envelope, which Go Micro subscribers read; or <see cref="NatsMessageFormat.Headers"/>,
    /// native NATS headers and the raw body, smaller and faster when every subscriber is MicroHosting. Subscribers accept
    /// both formats (and a raw payload without headers) whatever this is set to.
    /// </summary>
    public NatsMessageFormat MessageFormat { get; set; } = NatsMessageFormat.GoMicro;

    /// <summary>
    /// Gets or sets further NATS.Net settings applied last (credentials, TLS, reconnect waits), for example
    /// <c>o => o with { ReconnectWaitMax = TimeSpan.FromSeconds(5) }</c>. Default <see langword="null"/>.
    /// </summary>
    public Func<NatsOpts, NatsOpts>? ConfigureNats { get; set; }
}
