using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Mdns.Internal;

/// <summary>Checks <see cref="MdnsRegistryOptions"/> with messages that say what to change.</summary>
internal sealed class MdnsOptionsValidator : IValidateOptions<MdnsRegistryOptions>
{
    public static void ThrowIfInvalid(MdnsRegistryOptions options)
    {
        var failures = Failures(options);
        if (failures.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", failures));
        }
    }

    public ValidateOptionsResult Validate(string? name, MdnsRegistryOptions options)
    {
        var failures = Failures(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static List<string> Failures(MdnsRegistryOptions options)
    {
        var failures = new List<string>();
        var domain = options.Domain?.Trim('.') ?? string.Empty;
        try
        {
            if (domain.Length == 0)
            {
                throw new DnsFormatException("it is empty");
            }

            DnsName.Validate(domain);
        }
        catch (DnsFormatException ex)
        {
            failures.Add($"Micro:Mdns:Domain '{options.Domain}' is not a DNS domain ({ex.Message}). Use 'micro' (the default, Go Micro v2 and later) or 'local' (Go Micro v1).");
        }

        if (!options.IPv4 && !options.IPv6)
        {
            failures.Add("Micro:Mdns has both IPv4 and IPv6 turned off; enable at least one.");
        }

        if (options.Port is < 1 or > 65535)
        {
            failures.Add($"Micro:Mdns:Port must be between 1 and 65535 (mDNS uses 5353), but is {options.Port}.");
        }

        if (options.QueryTimeout <= TimeSpan.Zero)
        {
            failures.Add($"Micro:Mdns:QueryTimeout must be positive (default 100 ms), but is {options.QueryTimeout}.");
        }

        if (options.QueryRetries is < 0 or > 5)
        {
            failures.Add($"Micro:Mdns:QueryRetries must be between 0 and 5 (default 2), but is {options.QueryRetries}.");
        }

        if (options.RecordTtl < TimeSpan.FromSeconds(1) || options.RecordTtl > TimeSpan.FromHours(2))
        {
            failures.Add($"Micro:Mdns:RecordTtl must be between 1 second and 2 hours (default 120 s), but is {options.RecordTtl}.");
        }

        if (options.MaxCacheEntries is < 64 or > 1_000_000)
        {
            failures.Add($"Micro:Mdns:MaxCacheEntries must be between 64 and 1000000 (default 4096), but is {options.MaxCacheEntries}.");
        }

        if (options.MaxTxtBytes < 256 * 1024)
        {
            failures.Add($"Micro:Mdns:MaxTxtBytes must be at least 262144 (one TXT may inflate to 256 KiB; default 8 MiB), but is {options.MaxTxtBytes}.");
        }

        if (options.MaxRecordTtl < TimeSpan.FromSeconds(1) || options.MaxRecordTtl > TimeSpan.FromDays(1))
        {
            failures.Add($"Micro:Mdns:MaxRecordTtl must be between 1 second and 1 day (default 75 minutes), but is {options.MaxRecordTtl}.");
        }

        if (options.UnicastRepliesPerSender is < 1 or > 100_000)
        {
            failures.Add($"Micro:Mdns:UnicastRepliesPerSender must be between 1 and 100000 (default 20), but is {options.UnicastRepliesPerSender}.");
        }

        foreach (var item in options.Interfaces)
        {
            if (string.IsNullOrWhiteSpace(item))
            {
                failures.Add("Micro:Mdns:Interfaces (MICRO_MDNS_INTERFACES) contains an empty interface name.");
            }
        }

        return failures;
    }
}
