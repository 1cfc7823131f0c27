using MicroHosting.Hosting;
using MicroHosting.Hosting.Internal;

namespace MicroHosting.Tests.Hosting;

public sealed class AdvertiseAddressTests
{
    [Theory]
    [InlineData("http://127.0.0.1:5000", "127.0.0.1", 5000)]
    [InlineData("http://localhost:5001", "127.0.0.1", 5001)]
    [InlineData("http://[::1]:5002", "::1", 5002)]
    public void Resolve_BoundHost_IsKept(string bound, string host, int port)
    {
        Assert.Equal(new HostPort(host, port), AdvertiseAddress.Resolve(new MicroOptions(), [bound]));
    }

    [Theory]
    [InlineData("http://0.0.0.0:5000")]
    [InlineData("http://[::]:5000")]
    [InlineData("http://+:5000")]
    [InlineData("http://*:5000")]
    public void Resolve_WildcardHost_IsReplacedByAnAddressOfThisMachine(string bound)
    {
        var resolved = AdvertiseAddress.Resolve(new MicroOptions(), [bound]);

        Assert.Equal(5000, resolved.Port);
        Assert.True(System.Net.IPAddress.TryParse(resolved.Host, out var ip) && !ip.Equals(System.Net.IPAddress.Any), resolved.Host);
    }

    [Fact]
    public void Resolve_Advertise_WinsOverBound()
    {
        Assert.Equal(new HostPort("10.0.0.5", 9000), AdvertiseAddress.Resolve(new MicroOptions { Advertise = "10.0.0.5:9000" }, ["http://127.0.0.1:5000"]));
    }

    [Fact]
    public void Resolve_SeveralBound_PrefersTheConfiguredPort()
    {
        var resolved = AdvertiseAddress.Resolve(new MicroOptions { Address = "127.0.0.1:7001" }, ["http://127.0.0.1:7000", "http://127.0.0.1:7001"]);

        Assert.Equal(7001, resolved.Port);
    }

    [Theory]
    [InlineData("fe80::1,fd12:3456::1,2001:db8::1", true, "fd12:3456::1")]
    [InlineData("fe80::1,2001:db8::7", true, "2001:db8::7")]
    [InlineData("2001:db8::7,192.168.1.5", true, "192.168.1.5")]
    [InlineData("203.0.113.9,10.1.2.3", true, "10.1.2.3")]
    [InlineData("203.0.113.9,fd12:3456::1", true, "203.0.113.9")]
    public void Extract_PrefersPrivateIPv4_ThenUniqueLocalIPv6_ThenGlobalIPv6(string addresses, bool allowIPv6, string expected)
    {
        var chosen = AdvertiseAddress.Extract(addresses.Split(',').Select(System.Net.IPAddress.Parse), allowIPv6);

        Assert.Equal(System.Net.IPAddress.Parse(expected), chosen);
    }

    [Theory]
    [InlineData("fe80::1%2,::1,127.0.0.1", true)]
    [InlineData("fd12:3456::1", false)]
    public void Extract_OnlyLinkLocalOrLoopback_OrIPv6WhenListeningOnIPv4_FindsNothing(string addresses, bool allowIPv6)
    {
        Assert.Null(AdvertiseAddress.Extract(addresses.Split(',').Select(System.Net.IPAddress.Parse), allowIPv6));
    }

    [Theory]
    [InlineData("http://[::]:5000", "fe80::1,fd12:3456::1", "fd12:3456::1", false)]
    [InlineData("http://[::]:5000", "fe80::1", "127.0.0.1", true)]
    [InlineData("http://0.0.0.0:5000", "fd12:3456::1", "127.0.0.1", true)]
    [InlineData("http://0.0.0.0:5000", "fd12:3456::1,10.1.2.3", "10.1.2.3", false)]
    public void Resolve_WildcardHost_AdvertisesAReachableAddress_OrReportsTheLoopbackFallback(string bound, string local, string host, bool fallback)
    {
        var resolved = AdvertiseAddress.Resolve(new MicroOptions(), [bound], local.Split(',').Select(System.Net.IPAddress.Parse), out var loopbackFallback);

        Assert.Equal(new HostPort(host, 5000), resolved);
        Assert.Equal(fallback, loopbackFallback);
    }
}
