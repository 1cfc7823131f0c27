using System.Globalization;
using Microsoft.AspNetCore.Builder;

namespace MicroHosting.Benchmarks.Servers;

/// <summary>
/// The hidden <c>serve</c> command: the server half of a benchmark run in its own process. Prints one
/// <c>READY raw micro grpc control micro-tls grpc-tls ca-file-uri</c> line and serves until standard input closes. With <c>--alloc-profile</c> it
/// samples allocations for the control endpoint's <c>/profile</c>.
/// </summary>
internal static class ServeCommand
{
    public const string Name = "serve";
    public const string ReadyPrefix = "READY ";

    public const string ProfileOption = "--alloc-profile";

    public static async Task<int> RunAsync(TextWriter output, bool profile, CancellationToken cancellationToken)
    {
        using var sampler = profile ? new AllocationSampler() : null;
        using var pki = new BenchPki();
        var micro = await BenchApps.StartMicroAsync(cancellationToken).ConfigureAwait(false);
        var microTls = await BenchApps.StartMicroAsync(cancellationToken, pki).ConfigureAwait(false);
        var apps = new List<WebApplication>
        {
            await BenchApps.StartRawAsync(cancellationToken).ConfigureAwait(false),
            micro,
            await BenchApps.StartGrpcAsync(cancellationToken).ConfigureAwait(false),
            await BenchApps.StartControlAsync(micro, sampler, cancellationToken, microTls).ConfigureAwait(false),
            microTls,
            await BenchApps.StartGrpcAsync(cancellationToken, pki).ConfigureAwait(false),
        };
        try
        {
            await output.WriteLineAsync(ReadyPrefix + string.Join(' ', apps.Select(InProcessServers.BaseAddress)) + " " + new Uri(pki.CaFile).AbsoluteUri).ConfigureAwait(false);
            await output.FlushAsync(cancellationToken).ConfigureAwait(false);

            // The parent closes our standard input when it is done (or dies); either way we stop.
            using var input = Console.OpenStandardInput();
            var buffer = new byte[64];
            while (await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
            {
            }

            return 0;
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    internal static ServerAddresses ParseReady(string line)
    {
        if (!line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"The server process printed '{line}' instead of its READY line.");
        }

        var parts = line[ReadyPrefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 7)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The server READY line has {parts.Length} addresses; expected 7: '{line}'."));
        }

        return new ServerAddresses(new Uri(parts[0]), new Uri(parts[1]), new Uri(parts[2]), new Uri(parts[3]))
        {
            MicroTls = new Uri(parts[4]),
            GrpcTls = new Uri(parts[5]),
            CaFile = new Uri(parts[6]).LocalPath,
        };
    }
}
