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
            failures.Add("Micro:Client:Selector (MICRO_SELECTOR) is empty: use p2c (the default), random or roundrobin.");
        }

        if (options.AttemptTimeout is { } attempt && attempt <= TimeSpan.Zero)
        {
            failures.Add($"Micro:Client:AttemptTimeout must be positive, for example 1s, or unset, but is {attempt}.");
        }

        if (options.RetryBudgetRatio is < 0 or > 1 || double.IsNaN(options.RetryBudgetRatio))
        {
            failures.Add($"Micro:Client:RetryBudgetRatio must be between 0 and 1 (0.2 lets retries add 20% to the calls), but is {options.RetryBudgetRatio}.");
        }

        if (options.MinRetriesPerSecond < 0)
        {
            failures.Add($"Micro:Client:MinRetriesPerSecond must not be negative, but is {options.MinRetriesPerSecond}.");
        }

        if (options.SlowNodeFactor is not 0 and < 1 || double.IsNaN(options.SlowNodeFactor))
        {
            failures.Add($"Micro:Client:SlowNodeFactor must be 0 (off) or at least 1, but is {options.SlowNodeFactor}.");
        }

        foreach (var (service, policy) in options.Services)
        {
            Check(failures, $"Micro:Client:Services:{service}", policy.Timeout, policy.AttemptTimeout, policy.Retries, policy.HedgeDelay);
            CheckPercentile(failures, $"Micro:Client:Services:{service}", policy.HedgeAfterPercentile);
            if (policy.Selector is { } selector && string.IsNullOrWhiteSpace(selector))
            {
                failures.Add($"Micro:Client:Services:{service}:Selector is empty: use p2c, random or roundrobin, or leave it out.");
            }

            foreach (var (endpoint, endpointPolicy) in policy.Endpoints)
            {
                Check(failures, $"Micro:Client:Services:{service}:Endpoints:{endpoint}", endpointPolicy.Timeout, endpointPolicy.AttemptTimeout, endpointPolicy.Retries, endpointPolicy.HedgeDelay);
                CheckPercentile(failures, $"Micro:Client:Services:{service}:Endpoints:{endpoint}", endpointPolicy.HedgeAfterPercentile);
            }
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

    private static void Check(List<string> failures, string section, TimeSpan? timeout, TimeSpan? attemptTimeout, int? retries, TimeSpan? hedgeDelay)
    {
        if (hedgeDelay is { } h && h <= TimeSpan.Zero)
        {
            failures.Add($"{section}:HedgeDelay must be positive, for example 00:00:00.050, or unset, but is {h}.");
        }

        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            failures.Add($"{section}:Timeout must be positive, for example 5s, but is {t}.");
        }

        if (attemptTimeout is { } a && a <= TimeSpan.Zero)
        {
            failures.Add($"{section}:AttemptTimeout must be positive, for example 1s, but is {a}.");
        }

        if (retries is < 0 or > MaxRetries)
        {
            failures.Add($"{section}:Retries must be between 0 and {MaxRetries}, but is {retries}.");
        }
    }

    private static void CheckPercentile(List<string> failures, string section, double? percentile)
    {
        if (percentile is { } p && !(p is > 0 and < 1))
        {
            failures.Add($"{section}:HedgeAfterPercentile must be between 0 and 1 (exclusive), for example 0.95, or unset, but is {p.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }
}
