using Microsoft.Extensions.Options;

namespace MicroHosting.Broker.Nats.Internal;

/// <summary>Checks <see cref="NatsBrokerOptions"/> when the host starts, with messages that say what to change.</summary>
internal sealed class NatsBrokerOptionsValidator : IValidateOptions<NatsBrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, NatsBrokerOptions options)
    {
        if (!Enum.IsDefined(options.MessageFormat))
        {
            return ValidateOptionsResult.Fail($"Micro:Nats:MessageFormat '{options.MessageFormat}' is not a message format. Use GoMicro (Go Micro's JSON envelope, the default) or Headers (native NATS headers).");
        }

        return ValidateOptionsResult.Success;
    }
}
