using System.Globalization;
using MicroHosting.Benchmarks.Servers;

namespace MicroHosting.Benchmarks.Startup;

/// <summary>
/// The hidden <c>serve-grpc-greeter</c> command: the gRPC side of the <c>startup</c> scenario, a Grpc.AspNetCore service
/// alone in its process. Prints <c>READY &lt;address&gt;</c> once it listens and serves until standard input closes.
/// </summary>
internal static class GrpcGreeterCommand
{
    public const string Name = "serve-grpc-greeter";

    public static async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        await using var app = await BenchApps.StartGrpcAsync(cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"READY {InProcessServers.BaseAddress(app)}")).ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);

        using var input = Console.OpenStandardInput();
        var buffer = new byte[64];
        while (await input.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) > 0)
        {
        }

        return 0;
    }
}
