using System.Diagnostics;
using System.Globalization;
using MicroHosting.Registry;
using MicroHosting.Registry.Mdns;

namespace MicroHosting.Benchmarks.Mdns;

/// <summary>
/// The hidden <c>mdns-node</c> command: one mDNS node in its own process. Prints <c>READY</c> once its responder is
/// up, then obeys <c>register</c> and <c>deregister</c> lines on standard input, printing the
/// <see cref="Stopwatch.GetTimestamp"/> (a machine-wide monotonic clock, so the parent can compare it with its own)
/// before and after each; stops, with goodbyes, when standard input closes.
/// </summary>
internal static class MdnsNodeCommand
{
    public const string Name = "mdns-node";

    public static bool Matches(string[] args) => args is [Name, _, _, _, _, _];

    /// <summary>The arguments of the command: domain, service, node id, probe (true/false), record TTL in seconds.</summary>
    public static string[] Arguments(string domain, string service, string nodeId, bool probe, TimeSpan recordTtl)
        => [Name, domain, service, nodeId, probe ? "true" : "false", recordTtl.TotalSeconds.ToString(CultureInfo.InvariantCulture)];

    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        var options = MdnsBenchOptions.Create(args[1], bool.Parse(args[4]), TimeSpan.FromSeconds(double.Parse(args[5], CultureInfo.InvariantCulture)));
        var service = new MicroService
        {
            Name = args[2],
            Nodes = [new MicroNode { Id = args[3], Address = "127.0.0.1", Port = 9 }],
        };
        await using var registry = new MdnsRegistry(options);
        await registry.StartAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(output, "READY", cancellationToken).ConfigureAwait(false);

        using var input = new StreamReader(Console.OpenStandardInput());
        while (await input.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            switch (line)
            {
                case "register":
                    await WriteAsync(output, Stamp("REGISTERING"), cancellationToken).ConfigureAwait(false);
                    await registry.RegisterAsync(service, options.RecordTtl, cancellationToken).ConfigureAwait(false);
                    await WriteAsync(output, Stamp("REGISTERED"), cancellationToken).ConfigureAwait(false);
                    break;
                case "deregister":
                    await WriteAsync(output, Stamp("DEREGISTERING"), cancellationToken).ConfigureAwait(false);
                    await registry.DeregisterAsync(service, cancellationToken).ConfigureAwait(false);
                    await WriteAsync(output, Stamp("DEREGISTERED"), cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    await WriteAsync(output, $"ERROR unknown command '{line}'", cancellationToken).ConfigureAwait(false);
                    break;
            }
        }

        return 0;
    }

    private static string Stamp(string word) => string.Create(CultureInfo.InvariantCulture, $"{word} {Stopwatch.GetTimestamp()}");

    private static async Task WriteAsync(TextWriter output, string line, CancellationToken cancellationToken)
    {
        await output.WriteLineAsync(line).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
