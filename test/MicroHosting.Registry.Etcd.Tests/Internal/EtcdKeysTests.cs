using MicroHosting.Registry.Etcd.Internal;

namespace MicroHosting.Registry.Etcd.Tests.Internal;

public sealed class EtcdKeysTests
{
    [Fact]
    public void Node_PrefixWithoutSlash_BuildsGoMicroKey()
    {
        var keys = new EtcdKeys("/micro/registry");

        Assert.Equal("/micro/registry/go.micro.srv.greeter/go.micro.srv.greeter-1", keys.Node("go.micro.srv.greeter", "go.micro.srv.greeter-1"));
        Assert.Equal("/micro/registry/a-b/", keys.Service("a/b"));
        Assert.Equal("/micro/registry/", keys.Service(null));
    }

    [Theory]
    [InlineData("/micro/registry/greeter/greeter-1", true, "greeter", "greeter-1")]
    [InlineData("/micro/registry/greeter/", false, "", "")]
    [InlineData("/micro/registry/greeter", false, "", "")]
    [InlineData("/other/greeter/greeter-1", false, "", "")]
    public void TrySplit_Key_GivesServiceAndNode(string key, bool ok, string service, string node)
    {
        Assert.Equal(ok, new EtcdKeys("/micro/registry/").TrySplit(key, out var readService, out var readNode));
        Assert.Equal((service, node), (readService, readNode));
    }
}
