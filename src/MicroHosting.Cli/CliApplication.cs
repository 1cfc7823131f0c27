using System.CommandLine;
using System.Globalization;
using MicroHosting.Cli.Commands;

namespace MicroHosting.Cli;

/// <summary>The <c>micro</c> command tree (System.CommandLine) and its global options.</summary>
internal static class CliApplication
{
    private static readonly Option<string?> RegistryOption = new("--registry")
    {
        Description = "Registry: mdns, etcd or static [env: MICRO_REGISTRY; default mdns]",
        Recursive = true,
    };

    private static readonly Option<string?> RegistryAddressOption = new("--registry_address", "--registry-address")
    {
        Description = "Registry addresses, comma separated (etcd members: 127.0.0.1:2379) [env: MICRO_REGISTRY_ADDRESS]",
        Recursive = true,
    };

    private static readonly Option<string?> BrokerOption = new("--broker")
    {
        Description = "Broker for publish: http or nats [env: MICRO_BROKER; default http]",
        Recursive = true,
    };

    private static readonly Option<string?> BrokerAddressOption = new("--broker_address", "--broker-address")
    {
        Description = "Broker addresses (nats: 127.0.0.1:4222) [env: MICRO_BROKER_ADDRESS]",
        Recursive = true,
    };

    private static readonly Option<string> OutputOption = new("--output", "-o")
    {
        Description = "Output format: table (readable) or json (for scripts)",
        DefaultValueFactory = _ => "table",
        Recursive = true,
    };

    private static readonly Option<string> TimeoutOption = new("--timeout")
    {
        Description = "How long a call, stream or health check may take: 10s, 500ms, 1m",
        DefaultValueFactory = _ => "10s",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        OutputOption.AcceptOnlyFromAmong("table", "json");
        var root = BuildCommands();
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                await Console.Error.WriteLineAsync("error: " + error.Message).ConfigureAwait(false);
            }

            await Console.Error.WriteLineAsync("Run 'micro --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync().ConfigureAwait(false);
    }

    private static RootCommand BuildCommands()
    {
        var root = new RootCommand("micro: list, describe, call and watch MicroHosting and Go Micro services.");
        root.Options.Add(RegistryOption);
        root.Options.Add(RegistryAddressOption);
        root.Options.Add(BrokerOption);
        root.Options.Add(BrokerAddressOption);
        root.Options.Add(OutputOption);
        root.Options.Add(TimeoutOption);

        var services = new Command("services", "List the services in the registry");
        services.SetAction((result, ct) => Run(result, ServicesCommand.RunAsync, ct));

        var name = new Argument<string>("service") { Description = "The service name, for example greeter" };
        var service = new Command("service", "Show a service: versions, nodes with metadata, endpoints with request and response shapes") { name };
        service.SetAction((result, ct) => Run(result, (s, t) => ServiceCommand.RunAsync(s, result.GetValue(name)!, t), ct));

        var endpoint = new Argument<string>("endpoint") { Description = "The endpoint, Type.Method, for example Greeter.Hello" };
        var request = new Argument<string?>("request") { Description = "The request as JSON ('-' reads standard input) [default {}]", Arity = ArgumentArity.ZeroOrOne };
        var call = new Command("call", "Call an endpoint and print the reply (or the error JSON, exit code 1)") { name, endpoint, request };
        call.SetAction((result, ct) => Run(result, (s, t) => CallCommand.RunAsync(s, result.GetValue(name)!, result.GetValue(endpoint)!, result.GetValue(request), t), ct));

        var requests = new Argument<string[]>("requests") { Description = "Request messages as JSON, sent in order ('-' reads one per line from standard input) [default one {}]", Arity = ArgumentArity.ZeroOrMore };
        var stream = new Command("stream", "Open a streaming endpoint, send the requests, print each reply as a JSON line") { name, endpoint, requests };
        stream.SetAction((result, ct) => Run(result, (s, t) => StreamCommand.RunAsync(s, result.GetValue(name)!, result.GetValue(endpoint)!, result.GetValue(requests) ?? [], t), ct));

        var topic = new Argument<string>("topic") { Description = "The topic, for example orders.placed" };
        var message = new Argument<string?>("message") { Description = "The message as JSON ('-' reads standard input) [default {}]", Arity = ArgumentArity.ZeroOrOne };
        var publish = new Command("publish", "Publish a JSON message to a topic through the broker") { topic, message };
        publish.SetAction((result, ct) => Run(result, (s, t) => PublishCommand.RunAsync(s, result.GetValue(topic)!, result.GetValue(message), t), ct));

        var health = new Command("health", "Ask every node of a service for Debug.Health (exit code 1 when one is not ok)") { name };
        health.SetAction((result, ct) => Run(result, (s, t) => HealthCommand.RunAsync(s, result.GetValue(name)!, t), ct));

        var watchService = new Argument<string?>("service") { Description = "Only this service [default all]", Arity = ArgumentArity.ZeroOrOne };
        var count = new Option<int?>("--count") { Description = "Exit after this many events" };
        var watch = new Command("watch", "Print registry events as they happen (Ctrl+C to stop)") { watchService, count };
        watch.SetAction((result, ct) => Run(result, (s, t) => WatchCommand.RunAsync(s, result.GetValue(watchService), result.GetValue(count), t), ct));

        foreach (var command in new[] { services, service, call, stream, publish, health, watch })
        {
            root.Subcommands.Add(command);
        }

        return root;
    }

    private static async Task<int> Run(ParseResult result, Func<CliSession, CancellationToken, Task<int>> command, CancellationToken cancellationToken)
    {
        if (!TryParseDuration(result.GetValue(TimeoutOption)!, out var timeout))
        {
            await Console.Error.WriteLineAsync($"error: --timeout '{result.GetValue(TimeoutOption)}' is not a duration such as 10s, 500ms or 1m").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        var settings = new CliSettings(
            Pick(result.GetValue(RegistryOption), "MICRO_REGISTRY") ?? "mdns",
            Pick(result.GetValue(RegistryAddressOption), "MICRO_REGISTRY_ADDRESS"),
            Pick(result.GetValue(BrokerOption), "MICRO_BROKER") ?? "http",
            Pick(result.GetValue(BrokerAddressOption), "MICRO_BROKER_ADDRESS"),
            result.GetValue(OutputOption) == "json",
            timeout);
        return await CliErrors.RunAsync(settings, command, cancellationToken).ConfigureAwait(false);
    }

    private static string? Pick(string? flag, string variable)
        => !string.IsNullOrWhiteSpace(flag) ? flag.Trim() : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value.Trim() : null;

    /// <summary>Go-style durations (<c>10s</c>, <c>500ms</c>, <c>1m</c>) or plain seconds.</summary>
    internal static bool TryParseDuration(string text, out TimeSpan duration)
    {
        text = text.Trim();
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : text.EndsWith('h') ? (text[..^1], 3600.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0 && value * unit <= TimeSpan.FromDays(1).TotalSeconds)
        {
            duration = TimeSpan.FromSeconds(value * unit);
            return true;
        }

        duration = default;
        return false;
    }
}
