using System.Text;
using MicroHosting.Registry.Etcd.Internal;

namespace MicroHosting.Registry.Etcd.Tests.Internal;

public sealed class EtcdServiceCodecTests
{
    [Fact]
    public void Encode_ThenTryDecode_RoundTripsTheServiceWithItsNode()
    {
        var service = TestData.Service("greeter", "greeter-1", port: 8081, version: "1.2");

        var decoded = EtcdServiceCodec.TryDecode(EtcdServiceCodec.Encode(service, service.Nodes[0]));

        Assert.NotNull(decoded);
        Assert.Equal(("greeter", "1.2", "tests"), (decoded.Name, decoded.Version, decoded.Metadata["owner"]));
        var node = Assert.Single(decoded.Nodes);
        Assert.Equal(("greeter-1", "127.0.0.1", 8081, "mucp"), (node.Id, node.Address, node.Port, node.Metadata["protocol"]));
        Assert.Equal("name", decoded.Endpoints[0].Request!.Values![0].Name);
    }

    [Fact]
    public void Encode_IPv6Node_WritesBracketedHostPort()
    {
        var service = TestData.Service("greeter", "greeter-1");
        var node = new MicroNode { Id = "greeter-1", Address = "fd00::5", Port = 8080 };

        var json = Encoding.UTF8.GetString(EtcdServiceCodec.Encode(service, node));

        Assert.Contains("\"address\":\"[fd00::5]:8080\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"port\"", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("10.0.0.5:8080", 0, "10.0.0.5", 8080)]
    [InlineData("10.0.0.5", 9090, "10.0.0.5", 9090)]
    [InlineData("[fd00::5]:8080", 0, "fd00::5", 8080)]
    [InlineData("fd00::5", 8080, "fd00::5", 8080)]
    [InlineData("[fd00::5]", 8080, "fd00::5", 8080)]
    [InlineData("host.local:443", 0, "host.local", 443)]
    public void TryReadAddress_V1OrV2Form_ReadsHostAndPort(string address, int v1Port, string host, int port)
    {
        Assert.True(EtcdServiceCodec.TryReadAddress(address, v1Port, out var readHost, out var readPort));
        Assert.Equal((host, port), (readHost, readPort));
    }

    [Theory]
    [InlineData("10.0.0.5", 0)]
    [InlineData("10.0.0.5:0", 0)]
    [InlineData("10.0.0.5:70000", 0)]
    [InlineData("10.0.0.5:http", 0)]
    [InlineData(":8080", 0)]
    [InlineData("[fd00::5", 8080)]
    public void TryReadAddress_NoUsablePort_ReturnsFalse(string address, int v1Port)
    {
        Assert.False(EtcdServiceCodec.TryReadAddress(address, v1Port, out _, out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{\"name\":\"greeter\"}")]
    [InlineData("{\"name\":\"\",\"nodes\":[{\"id\":\"a\",\"address\":\"10.0.0.1:1\"}]}")]
    [InlineData("{\"name\":\"greeter\",\"nodes\":[null,{\"id\":\"\",\"address\":\"10.0.0.1:1\"}]}")]
    [InlineData("{\"name\":\"greeter\",\"nodes\":[{\"id\":\"a\",\"address\":\"10.0.0.1:1\"}],\"endpoints\":[{\"request\":null}]}")]
    [InlineData("{\"name\":42}")]
    public void TryDecode_NotAServiceWithANode_ReturnsNull(string value)
    {
        Assert.Null(EtcdServiceCodec.TryDecode(Encoding.UTF8.GetBytes(value)));
    }
}
