using System.Text.RegularExpressions;
using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

/// <summary>
/// examples/Greeter.Service and examples/Greeter.Client started as the README shows (<c>dotnet run --project ...</c> from
/// the repository root) and as built dlls from another folder, with nothing but the examples' own settings pinning mDNS.
/// They run in a network namespace of this test's own, holding <c>lo</c> and a multicast-capable veth link: an example
/// that lost its pin would listen on the veth too (and fail this test) instead of multicasting on the machine's interfaces.
/// </summary>
public sealed partial class GreeterAsSeparateProgramsTests
{
    [NetnsFact]
    public Task DotnetRunFromRepositoryRoot_ClientFindsTheServiceOverMdnsOnLoOnly()
        => FindEachOtherAsync((host, project, arguments, environment)
            => NetworkNamespaces.Start(host, "dotnet", ChildProcess.DotnetRunArguments(project, arguments), environment, RepositoryPaths.Root));

    [NetnsFact]
    public Task BuiltDllsFromAnotherFolder_ClientFindsTheServiceOverMdnsOnLoOnly()
        => FindEachOtherAsync((host, project, arguments, environment)
            => NetworkNamespaces.StartProject(host, project, arguments, environment, Path.GetTempPath()));

    private static async Task FindEachOtherAsync(Func<NetworkNamespaces.Host, string, string[], Dictionary<string, string?>, ChildProcess> start)
    {
        await using var net = await NetworkNamespaces.CreateAsync(ipv4: true);
        var environment = new Dictionary<string, string?>
        {
            // Removes the pin ChildProcess (and test.runsettings) would pass on: the examples' own settings must hold it.
            ["MICRO_MDNS_INTERFACES"] = null,
            // The client logs warnings only; the registry's "listening on" line is information.
            ["Logging__LogLevel__MicroHosting"] = "Information",
        };

        await using var service = start(net.A, "examples/Greeter.Service", [], environment);
        await service.WaitForAsync("Registered greeter node .* in the mdns registry", ChildProcess.Generous);
        var onLoopback = await NetworkNamespaces.MulticastGroupsAsync(net.A, "lo");
        var onLink = await NetworkNamespaces.MulticastGroupsAsync(net.A, net.A.Interface);

        var client = await GreeterClientRuns.RunAsync(() => start(net.A, "examples/Greeter.Client", ["--name", "John"], environment));

        Assert.Contains("Hello John", client, StringComparison.Ordinal);
        Assert.Equal(["lo"], ListeningOn(service.Output));
        Assert.Equal(["lo"], ListeningOn(client));

        // The kernel's view while the service runs: it joined the mDNS group on lo (the control), and on nothing else.
        Assert.Contains("224.0.0.251", onLoopback, StringComparison.Ordinal);
        Assert.DoesNotContain("224.0.0.251", onLink, StringComparison.Ordinal);
        Assert.DoesNotContain("ff02::fb", onLink, StringComparison.Ordinal);
    }

    /// <summary>The interface list of every "mDNS registry listening on" line the program logged.</summary>
    private static string[] ListeningOn(string output) => [.. ListeningLine().Matches(output).Select(m => m.Groups["interfaces"].Value)];

    [GeneratedRegex("mDNS registry listening on (?<interfaces>.+), UDP port")]
    private static partial Regex ListeningLine();
}
