using System.Globalization;
using MicroHosting.Hosting.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Client.Internal;

/// <summary>Binds <see cref="MicroClientOptions"/> from <c>Micro:Client</c>, then from Go Micro's variables, which win over code as its flags do.</summary>
internal sealed class MicroClientOptionsSetup(IConfiguration? configuration = null) : IPostConfigureOptions<MicroClientOptions>
{
    public void PostConfigure(string? name, MicroClientOptions options)
    {
        if (configuration is null)
        {
            return;
        }

        configuration.GetSection(MicroClientOptions.SectionName).Bind(options);
        if (Value(MicroEnvironment.ClientRetries) is { } retries)
        {
            options.Retries = int.TryParse(retries, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 0
                ? count
                : throw new InvalidOperationException($"{MicroEnvironment.ClientRetries} must be a whole number of retries (for example 1), but is '{retries}'.");
        }

        if (Value(MicroEnvironment.ClientRequestTimeout) is { } timeout)
        {
            options.RequestTimeout = ParseTimeout(timeout);
        }

        if (Value(MicroEnvironment.Selector) is { } selector)
        {
            options.Selector = selector;
        }
    }

    internal static TimeSpan ParseTimeout(string value)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (GoDuration.TryParse(value, out var duration))
        {
            return duration;
        }

        throw new InvalidOperationException($"{MicroEnvironment.ClientRequestTimeout} must be a duration such as 5s, 500ms or 1m (or whole seconds), but is '{value}'.");
    }

    private string? Value(string key) => MicroEnvironment.Read(configuration!, key);
}
