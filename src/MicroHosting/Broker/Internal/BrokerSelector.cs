using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Internal;

/// <summary>Resolves the active <see cref="IBroker"/>: the one registered under <see cref="MicroOptions.Broker"/>'s name.</summary>
internal static class BrokerSelector
{
    public static IBroker Select(IServiceProvider services)
    {
        return MicroPlugins.Select<IBroker>(services, services.GetRequiredService<IOptions<MicroOptions>>().Value.Broker, static name => name switch
            {
                "" => "Broker (Micro:Broker / MICRO_BROKER) is empty: use http (the default), memory, or nats with the MicroHosting.Broker.Nats package.",
                "nats" => "MICRO_BROKER is 'nats', but the NATS broker is not added: reference the MicroHosting.Broker.Nats package and call builder.Services.AddMicro().AddNatsBroker().",
                "jetstream" => "MICRO_BROKER is 'jetstream', but the NATS JetStream broker is not added: reference the MicroHosting.Broker.Nats package and call builder.Services.AddMicro().AddNatsJetStream().",
                _ => $"Broker '{name}' (Micro:Broker / MICRO_BROKER) is not available. Built in: http, memory; others come from packages (nats: MicroHosting.Broker.Nats).",
            });
    }
}
