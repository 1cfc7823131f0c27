using System.Text.RegularExpressions;
using MicroHosting.TestUtilities;

namespace MicroHosting.Mdns.Netns.Tests;

/// <summary>
/// The Greeter service in one network namespace, the <c>micro</c> tool in another, linked by a veth pair: the tool
/// finds the service over mDNS on that link, calls it at the address it advertised, and sees its goodbye when it stops.
/// </summary>
public sealed class MdnsAcrossNamespacesTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90); // a cold .NET start on a loaded 2-core machine

    [NetnsFact]
    public Task Greeter_OverIPv4Multicast_IsFoundCalledAndSaysGoodbye() => DiscoverCallAndGoodbyeAsync(ipv6Only: false);

    [NetnsFact]
    public Task Greeter_OverIPv6Multicast_IsFoundCalledAndSaysGoodbye() => DiscoverCallAndGoodbyeAsync(ipv6Only: true);

    private static async Task DiscoverCallAndGoodbyeAsync(bool ipv6Only)
    {
        // IPv4: the link has both families, mDNS is told to use IPv4 only. IPv6: the link has no IPv4 address at all,
        // and mDNS is told to use IPv6 only; the service listens on [::] and must advertise its IPv6 address.
        await using var net = await NetworkNamespaces.CreateAsync(ipv4: !ipv6Only);
        var environment = new Dictionary<string, string?>
        {
            ["MICRO_REGISTRY"] = "mdns",
            ["Micro__Mdns__Domain"] = "t" + Guid.NewGuid().ToString("N")[..10],
            ["Micro__Mdns__IPv4"] = ipv6Only ? "false" : "true",
            ["Micro__Mdns__IPv6"] = ipv6Only ? "true" : "false",
        };
        var inA = new Dictionary<string, string?>(environment)
        {
            ["MICRO_MDNS_INTERFACES"] = net.A.Interface,
            ["MICRO_SERVER_ADDRESS"] = ipv6Only ? "[::]:0" : "0.0.0.0:0",
        };
        var inB = new Dictionary<string, string?>(environment)
        {
            ["MICRO_MDNS_INTERFACES"] = net.B.Interface,

            // The one-shot lookup of 'micro call' collects answers for 100, 200 and 400 ms by default: a cold process on
            // a loaded 2-core machine can take longer to hear the answer (as in the interop tests: 1, 2 and 4 s here).
            ["Micro__Mdns__QueryTimeout"] = "00:00:01",
        };
        var expectedHost = ipv6Only ? $"[{net.A.IPv6}]" : net.A.IPv4!.ToString();

        await using var watch = NetworkNamespaces.StartProject(net.B, "src/MicroHosting.Cli", ["watch", "greeter", "-o", "json"], inB);
        await watch.WaitForAsync("watching the mdns registry for greeter", Generous);

        await using var service = NetworkNamespaces.StartProject(net.A, "examples/Greeter.Service", [], inA);
        var registered = await service.WaitForAsync(@"Registered greeter node (\S+) at (\S+) in the mdns registry", Generous);
        var address = registered.Groups[2].Value;
        Assert.StartsWith(expectedHost + ":", address, StringComparison.Ordinal);

        // B hears the announcement from A, with the address A advertised.
        await watch.WaitForAsync($"\"type\":\"create\".*\"address\":\"{Regex.Escape(address)}\"", Generous);

        // A fresh process in B looks greeter up over mDNS and calls it there.
        await using (var call = NetworkNamespaces.StartProject(net.B, "src/MicroHosting.Cli", ["call", "greeter", "Greeter.Hello", "{\"name\":\"Netns\"}"], inB))
        {
            Assert.True(await call.WaitForExitAsync(Generous) == 0, call.Output);
            Assert.Contains("Hello Netns", call.Output, StringComparison.Ordinal);
        }

        // A graceful stop sends a goodbye (TTL 0); the watcher drops the node long before its 120 s TTL would run out.
        await service.StopAsync(TimeSpan.FromSeconds(30));
        await watch.WaitForAsync($"\"type\":\"delete\".*\"address\":\"{Regex.Escape(address)}\"", TimeSpan.FromSeconds(60));
    }
}
