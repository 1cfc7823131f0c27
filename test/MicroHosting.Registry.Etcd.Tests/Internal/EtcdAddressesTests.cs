using MicroHosting.Registry.Etcd.Internal;

namespace MicroHosting.Registry.Etcd.Tests.Internal;

public sealed class EtcdAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1:2379", false, "http://127.0.0.1:2379/")]
    [InlineData("etcd", false, "http://etcd:2379/")]
    [InlineData("a:1, b:2", false, "http://a:1/ http://b:2/")]
    [InlineData("https://a:1,b:2", false, "https://a:1/ https://b:2/")]
    [InlineData("a:1", true, "https://a:1/")]
    [InlineData("[::1]:2379", false, "http://[::1]:2379/")]
    [InlineData("http://a:1/", false, "http://a:1/")]
    public void TryParse_GoMicroAddressList_GivesOneUriPerMember(string list, bool tls, string expected)
    {
        Assert.True(EtcdAddresses.TryParse(list, tls, out var uris, out _));
        Assert.Equal(expected, string.Join(' ', uris));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a:1,::1:2379", "::1:2379")]
    [InlineData("a:0", "a:0")]
    [InlineData("a:b", "a:b")]
    [InlineData("tcp://a:1", "tcp://a:1")]
    [InlineData(":2379", ":2379")]
    [InlineData("[::1", "[::1")]
    public void TryParse_BadEntry_NamesIt(string list, string invalid)
    {
        Assert.False(EtcdAddresses.TryParse(list, false, out _, out var bad));
        Assert.Equal(invalid, bad);
    }
}
