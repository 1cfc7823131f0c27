using MicroHosting.Client;
using Microsoft.Extensions.Options;

namespace MicroHosting.Security.Internal;

/// <summary>Checks <see cref="MicroTokenOptions"/> at start: a token file that can be read, a scheme and token that fit in a header.</summary>
internal sealed class MicroTokenOptionsValidator : IValidateOptions<MicroTokenOptions>
{
    public ValidateOptionsResult Validate(string? name, MicroTokenOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Scheme) || options.Scheme.AsSpan().IndexOfAny(" \r\n\t") >= 0)
        {
            failures.Add($"Micro:Client:Token:Scheme must be one word such as Bearer, but is '{options.Scheme}'.");
        }

        if (options.Value is { } value && value.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            failures.Add("Micro:Client:Token:Value (MICRO_CLIENT_TOKEN) must be one line.");
        }

        if (options.ReloadInterval < TimeSpan.Zero)
        {
            failures.Add($"Micro:Client:Token:ReloadInterval must not be negative (zero checks the file on every call), but is {options.ReloadInterval}.");
        }

        if (!string.IsNullOrWhiteSpace(options.File))
        {
            try
            {
                ConfiguredTokenProvider.ReadToken(options.File);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message);
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
