using MicroHosting.TestUtilities;

namespace MicroHosting.Examples.Tests;

/// <summary>The Greeter service and client as separate processes that find each other through the default registry, mDNS on lo.</summary>
public sealed class GreeterOverMdnsTests
{
    [Fact]
    public async Task GreeterClient_FindsServiceOverMdns_AndNotAfterItsGoodbye()
    {
        // A domain of its own: other tests (and the Greeter demo, run in parallel) announce greeters on lo in the default domain ("micro").
        var environment = new Dictionary<string, string?>
        {
            ["MICRO_SERVER_ADDRESS"] = "127.0.0.1:0",
            ["MICRO_MDNS_INTERFACES"] = "lo",
            ["Micro__Mdns__Domain"] = "t" + Guid.NewGuid().ToString("N")[..10],
        };
        await using var service = ChildProcess.StartProject("examples/Greeter.Service", environment: environment);
        await service.WaitForAsync(@"Registered greeter node .* in the mdns registry", ChildProcess.Generous);

        var found = await GreeterClientRuns.RunAsync(() => ChildProcess.StartProject("examples/Greeter.Client", ["--name", "Mdns"], environment));
        Assert.Contains("Hello Mdns", found, StringComparison.Ordinal);

        await service.StopAsync(TimeSpan.FromSeconds(15));
        await using var after = ChildProcess.StartProject("examples/Greeter.Client", ["--name", "Gone"], environment);
        Assert.True(await after.WaitForExitAsync(ChildProcess.Generous) == 1, after.Output);
        Assert.Contains("Calling greeter failed", after.Output, StringComparison.Ordinal);
    }
}
