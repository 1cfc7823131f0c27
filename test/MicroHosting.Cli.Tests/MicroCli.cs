using System.Diagnostics;
using System.Globalization;
using System.Text;
using MicroHosting.TestUtilities;

namespace MicroHosting.Cli.Tests;

/// <summary>Runs the built <c>micro</c> tool as a process, with standard output and standard error kept apart.</summary>
internal static class MicroCli
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static async Task<CliResult> RunAsync(IDictionary<string, string?>? environment, params string[] arguments)
    {
        using var process = Start(environment, arguments);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(Limit);
        await process.WaitForExitAsync(limit.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    /// <summary>Starts the tool and leaves it running (for <c>micro watch</c>); the caller reads and ends it.</summary>
    public static Process Start(IDictionary<string, string?>? environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(RepositoryPaths.ProjectOutput("src/MicroHosting.Cli"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Never multicast outside loopback, and no stray MICRO_* settings from the machine running the tests.
        info.Environment["MICRO_MDNS_INTERFACES"] = "lo";
        info.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var key in info.Environment.Keys.Where(k => k.StartsWith("MICRO_", StringComparison.Ordinal) && k != "MICRO_MDNS_INTERFACES").ToList())
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[key] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }

    public static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
