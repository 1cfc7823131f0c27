using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

/// <summary>Runs examples/Greeter.Client once: a fresh process with one mDNS lookup.</summary>
internal static class GreeterClientRuns
{
    /// <summary>
    /// Starts the client and returns its output once it exits 0, or fails with it. There is no second run: the lookup
    /// itself asks again when its first window brings no answer (<c>Micro:Mdns:QueryRetries</c>), which is what a user's
    /// freshly started client on a busy machine relies on.
    /// </summary>
    public static async Task<string> RunAsync(Func<ChildProcess> start)
    {
        await using var client = start();
        var exitCode = await client.WaitForExitAsync(ChildProcess.Generous);
        Assert.True(exitCode == 0, $"The client exited {exitCode}:{Environment.NewLine}{client.Output}");
        return client.Output;
    }
}
