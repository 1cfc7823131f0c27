using MicroHosting.Broker;
using MicroHosting.Registry;

namespace MicroHosting.Hosting.Internal;

/// <summary>The kinds of plug-in chosen by name: registries (<c>MICRO_REGISTRY</c>) and brokers (<c>MICRO_BROKER</c>), over one <see cref="MicroPluginKind{T}"/>.</summary>
internal static class MicroPlugins
{
    public static readonly MicroPluginKind<IRegistry> Registry = new(
        static o => o.Registry,
        static (o, name) => o.Registry = name,
        static registry => registry.Name,
        static name => name switch
        {
            "etcd" => "MICRO_REGISTRY is 'etcd', but the etcd registry is not added: reference the MicroHosting.Registry.Etcd package and call builder.Services.AddMicro().AddEtcdRegistry().",
            _ => $"Registry '{name}' (Micro:Registry / MICRO_REGISTRY) is not available. Built in: mdns, memory, static; others come from packages (etcd: MicroHosting.Registry.Etcd).",
        });

    public static readonly MicroPluginKind<IBroker> Broker = new(
        static o => o.Broker,
        static (o, name) => o.Broker = name,
        static broker => broker.Name,
        static name => name switch
        {
            "" => "Broker (Micro:Broker / MICRO_BROKER) is empty: use http (the default), memory, or nats with the MicroHosting.Broker.Nats package.",
            "nats" => "MICRO_BROKER is 'nats', but the NATS broker is not added: reference the MicroHosting.Broker.Nats package and call builder.Services.AddMicro().AddNatsBroker().",
            "jetstream" => "MICRO_BROKER is 'jetstream', but the NATS JetStream broker is not added: reference the MicroHosting.Broker.Nats package and call builder.Services.AddMicro().AddNatsJetStream().",
            _ => $"Broker '{name}' (Micro:Broker / MICRO_BROKER) is not available. Built in: http, memory; others come from packages (nats: MicroHosting.Broker.Nats).",
        });

    /// <summary>The key a plug-in is registered and looked up under: its name, trimmed and lower case.</summary>
    public static string Key(string name) => name.Trim().ToLowerInvariant();
}
