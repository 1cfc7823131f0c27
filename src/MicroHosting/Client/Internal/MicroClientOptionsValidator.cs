using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>Checks the client options when the host starts (and when the client is first built), with messages that say what to change.</summary>
internal sealed class MicroClientOptionsValidator : IValidateOptions<MicroClientOptions>
{
    public const int MaxRetries = 10;

    public ValidateOptionsResult Validate(string? name, MicroClientOptions options)
    {
        var failures = new List<string>();
        if (options.Retries is < 0 or > MaxRetries)
        {
            failures.Add($"Micro:Client:Retries (MICRO_CLIENT_RETRIES) must be between 0 and {MaxRetries}, but is {options.Retries}.");
        }

        if (options.RequestTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Micro:Client:RequestTimeout (MICRO_CLIENT_REQUEST_TIMEOUT) must be positive, for example 5s, but is {options.RequestTimeout}.");
        }

        if (options.RetryDelay < TimeSpan.Zero)
        {
            failures.Add($"Micro:Client:RetryDelay must not be negative, but is {options.RetryDelay}.");
        }

        if (string.IsNullOrWhiteSpace(options.Selector))
        {
            failures.Add("Micro:Client:Selector (MICRO_SELECTOR) is empty: use random (the default) or roundrobin.");
        }

        if (options.CacheTtl <= TimeSpan.Zero)
        {
            failures.Add($"Micro:Client:CacheTtl must be positive, but is {options.CacheTtl}.");
        }

        if (options.EjectionDuration < TimeSpan.Zero)
        {
            failures.Add($"Micro:Client:EjectionDuration must not be negative (zero turns ejection off), but is {options.EjectionDuration}.");
        }

        if (options.EjectionThreshold < 1)
        {
            failures.Add($"Micro:Client:EjectionThreshold must be at least 1, but is {options.EjectionThreshold}.");
        }

        if (options.MaxStreamMessageSize < 1)
        {
            failures.Add($"Micro:Client:MaxStreamMessageSize must be at least 1 byte, but is {options.MaxStreamMessageSize}.");
        }

        foreach (var entry in options.PropagatedHeaders)
        {
            if (MetadataPropagation.Validate(entry) is { } failure)
            {
                failures.Add(failure);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
