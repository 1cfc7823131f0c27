using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

/// <summary>Runs examples/Greeter.Client until it finds the service over mDNS.</summary>
internal static class GreeterClientRuns
{
    /// <summary>
    /// Starts the client, and again while it reports "not found", at most three times; returns the output of the run
    /// that exited 0, or fails with the last output. Each run is a fresh process with one mDNS lookup: on a loaded 2-core
    /// machine its answer can miss the lookup's window, while a service that is not there is never found.
    /// </summary>
    public static async Task<string> UntilFoundAsync(Func<ChildProcess> start)
    {
        string output = string.Empty;
        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await using var client = start();
            var exitCode = await client.WaitForExitAsync(TimeSpan.FromSeconds(90));
            output = client.Output;
            if (exitCode == 0)
            {
                return output;
            }

            Assert.True(exitCode == 1 && output.Contains("not found", StringComparison.Ordinal), output);
        }

        Assert.Fail($"The client did not find the service in 3 runs. Last output:{Environment.NewLine}{output}");
        return output;
    }
}
