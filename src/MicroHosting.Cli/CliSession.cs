using System.Text.Encodings.Web;
using System.Text.Json;
using MicroHosting.Broker;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace MicroHosting.Cli;

/// <summary>
/// What a command works with: a pure MicroHosting client (<c>AddMicroCore</c>) with every registry and broker the tool
/// knows, the one selected by the settings, and the output streams.
/// </summary>
internal sealed class CliSession(CliSettings settings, ServiceProvider services, TextWriter output, TextWriter error) : IAsyncDisposable
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public CliSettings Settings { get; } = settings;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public IServiceProvider Services => services;

    /// <summary>Gets the selected registry; throws <see cref="InvalidOperationException"/> (a usage error) when it cannot be used.</summary>
    public IRegistry Registry => services.GetRequiredService<IRegistry>();

    public IMicroClient Client => services.GetRequiredService<IMicroClient>();

    public IMicroPublisher Publisher => services.GetRequiredService<IMicroPublisher>();

    public static CliSession Create(CliSettings settings, TextWriter output, TextWriter error)
    {
        var overrides = new Dictionary<string, string?>
        {
            ["MICRO_REGISTRY"] = settings.Registry,
            ["MICRO_BROKER"] = settings.Broker,
            ["MICRO_CLIENT_RETRIES"] = Environment.GetEnvironmentVariable("MICRO_CLIENT_RETRIES") ?? "1",

            // A publish must not outlive the process silently: the http broker reports whether a subscriber took it.
            ["Micro:HttpBroker:WaitForDelivery"] = "true",
        };
        if (settings.RegistryAddress is { } registryAddress)
        {
            overrides["MICRO_REGISTRY_ADDRESS"] = registryAddress;
        }

        if (settings.BrokerAddress is { } brokerAddress)
        {
            overrides["MICRO_BROKER_ADDRESS"] = brokerAddress;
        }

        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(overrides).Build();
        var collection = new ServiceCollection();
        collection.AddSingleton<IConfiguration>(configuration);
        collection.AddLogging(logging => logging
            .AddSimpleConsole(o => o.SingleLine = true)
            .AddFilter(level => level >= (Environment.GetEnvironmentVariable("MICRO_CLI_LOG") is { Length: > 0 } ? LogLevel.Debug : LogLevel.Error)));
        collection.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        collection.AddMicroCore().AddEtcdRegistry().AddNatsBroker();
        return new CliSession(settings, collection.BuildServiceProvider(), output, error);
    }

    /// <summary>Call options with the tool's timeout; the registry's nodes, no retries beyond <c>MICRO_CLIENT_RETRIES</c>.</summary>
    public MicroCallOptions CallOptions(string? address = null) => new() { Timeout = Settings.Timeout, Address = address };

    /// <summary>Looks a service up (with progress); an empty list means it is not registered, and that is reported on standard error.</summary>
    public async Task<IReadOnlyList<MicroService>> LookUpAsync(string name, CancellationToken cancellationToken)
    {
        var registry = Registry;
        var versions = await Output.Progress.RunAsync($"looking up {name} in the {registry.Name} registry", ct => registry.GetServiceAsync(name, ct), cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            await Error.WriteLineAsync($"error: service {name} not found in the {registry.Name} registry{NotFoundHint}").ConfigureAwait(false);
        }

        return versions;
    }

    /// <summary>
    /// Gets what to add to a "not found" message: with mDNS, the interfaces and domain the tool listened on and how to
    /// choose others, since a service announced on another interface or in another domain (Go Micro v1 uses
    /// <c>local</c>) is invisible; empty for the other registries.
    /// </summary>
    public string NotFoundHint => services.GetService<IRegistry>() is MdnsRegistry { ListeningInterfaces: var interfaces }
        ? $" (mDNS listened on {(interfaces.Count > 0 ? string.Join(", ", interfaces) : "no interface")} in domain '{services.GetService<Microsoft.Extensions.Options.IOptions<MdnsRegistryOptions>>()?.Value.Domain}'; "
            + $"choose the interfaces with {MdnsRegistryOptions.InterfacesVariable}, for example {MdnsRegistryOptions.InterfacesVariable}=lo for this machine only, "
            + "and the domain with Micro__Mdns__Domain: 'micro' for Go Micro v2 and later, 'local' for v1)"
        : string.Empty;

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    public ValueTask DisposeAsync() => services.DisposeAsync();
}
