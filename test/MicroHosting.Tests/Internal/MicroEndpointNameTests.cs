using MicroHosting.Internal;

namespace MicroHosting.Tests.Internal;

public sealed class MicroEndpointNameTests
{
    [Theory]
    [InlineData("Greeter.Hello", true)]
    [InlineData("Func.topic", true)]
    [InlineData("Greeter", false)]
    [InlineData(".Hello", false)]
    [InlineData("Greeter.", false)]
    [InlineData("a.b.c", false)]
    [InlineData("Greeter.{Hello}", false)]
    [InlineData("Greeter.He llo", false)]
    [InlineData("Gree/ter.Hello", false)]
    [InlineData("Greeter.Hello?x", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void TryParse_OneRuleForServerAndClient(string? name, bool valid)
    {
        Assert.Equal(valid, MicroEndpointName.TryParse(name, out var endpoint));
        if (valid)
        {
            Assert.Equal(name, endpoint.Name);
        }
    }

    [Fact]
    public void Parts_TypeMethodAndPath()
    {
        Assert.True(MicroEndpointName.TryParse("Greeter.Hello", out var endpoint));

        Assert.Equal(("Greeter", "Hello", "/Greeter/Hello"), (endpoint.Type, endpoint.Method, endpoint.Path));
        Assert.Equal("/Greeter/Hello", MicroEndpointName.PathOf("Greeter.Hello"));
        Assert.Throws<ArgumentException>(() => MicroEndpointName.PathOf("Greeter"));
    }

    [Theory]
    [InlineData("/Greeter/Hello", "Greeter.Hello")]
    [InlineData("/Greeter/Hello/", null)]
    [InlineData("/Greeter", null)]
    [InlineData("//Hello", null)]
    [InlineData("/a.b/c", null)]
    [InlineData("/", null)]
    public void TryFromPath_NativePathOnly(string path, string? expected)
    {
        var parsed = MicroEndpointName.TryFromPath(path, out var endpoint);

        Assert.Equal(expected, parsed ? endpoint.Name : null);
    }

    [Fact]
    public void Split_AnyName_AtTheFirstDot()
    {
        Assert.Equal(("Greeter", "Hello"), MicroEndpointName.Split("Greeter.Hello"));
        Assert.Equal(("Func", "topic.queue"), MicroEndpointName.Split("Func.topic.queue"));
        Assert.Equal(("Debug", string.Empty), MicroEndpointName.Split("Debug"));
    }
}
