using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MicroHosting.Hosting.Internal;

/// <summary>
/// Binds <see cref="MicroOptions"/> from the <c>Micro</c> section and then from <c>MICRO_*</c> variables. It runs as a
/// post-configure step so configuration and environment win over code, as Go Micro's flags win over its options.
/// </summary>
internal sealed class MicroOptionsSetup(IConfiguration configuration) : IPostConfigureOptions<MicroOptions>
{
    public void PostConfigure(string? name, MicroOptions options)
    {
        configuration.GetSection(MicroOptions.SectionName).Bind(options);

        Set(MicroEnvironment.Server, v => options.Server = v);
        Set(MicroEnvironment.ServerName, v => options.Name = v);
        Set(MicroEnvironment.ServerVersion, v => options.Version = v);
        Set(MicroEnvironment.ServerId, v => options.Id = v);
        Set(MicroEnvironment.ServerAddress, v => options.Address = v);
        Set(MicroEnvironment.ServerHttp2Address, v => options.Http2Address = v);
        Set(MicroEnvironment.ServerAdvertise, v => options.Advertise = v);
        Set(MicroEnvironment.Registry, v => options.Registry = v);
        Set(MicroEnvironment.RegistryAddress, v => options.RegistryAddress = v);
        Set(MicroEnvironment.Broker, v => options.Broker = v);
        Set(MicroEnvironment.BrokerAddress, v => options.BrokerAddress = v);
        Set(MicroEnvironment.RegisterTtl, v => options.RegisterTtl = Seconds(MicroEnvironment.RegisterTtl, v));
        Set(MicroEnvironment.RegisterInterval, v => options.RegisterInterval = Seconds(MicroEnvironment.RegisterInterval, v));
        Set(MicroEnvironment.ServerMetadata, v =>
        {
            foreach (var pair in ParseMetadata(v))
            {
                options.Metadata[pair.Key] = pair.Value;
            }
        });

        // One id per process, fixed at first use, so every component (registration, broker) reports the same node.
        if (!string.IsNullOrWhiteSpace(options.Name))
        {
            options.Id ??= $"{options.Name}-{Guid.NewGuid()}";
        }
    }

    /// <summary>Parses Go Micro's <c>k=v,k2=v2</c> metadata list.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> ParseMetadata(string value)
    {
        foreach (var item in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new InvalidOperationException(
                    $"{MicroEnvironment.ServerMetadata} entry '{item}' is not key=value. Use a comma-separated list such as 'region=eu,zone=a'.");
            }

            yield return new(item[..equals].Trim(), item[(equals + 1)..].Trim());
        }
    }

    private static TimeSpan Seconds(string variable, string value)
    {
        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero)
        {
            return span;
        }

        throw new InvalidOperationException($"{variable} must be a whole number of seconds (for example 30), but is '{value}'.");
    }

    private void Set(string key, Action<string> apply)
    {
        var value = configuration[key];
        if (!string.IsNullOrWhiteSpace(value))
        {
            apply(value.Trim());
        }
    }
}
