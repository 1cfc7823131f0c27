using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>Binds <see cref="NatsBrokerOptions"/> from <c>Micro:Nats</c> after code, so configuration wins, as it does for the other options.</summary>
internal sealed class NatsBrokerOptionsSetup(IConfiguration? configuration = null) : IPostConfigureOptions<NatsBrokerOptions>
{
    public void PostConfigure(string? name, NatsBrokerOptions options)
        => configuration?.GetSection(NatsBrokerOptions.SectionName).Bind(options);
}
