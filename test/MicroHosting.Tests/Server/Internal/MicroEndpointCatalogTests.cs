using MicroHosting.Internal;
using MicroHosting.Server.Internal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Server.Internal;

public sealed class MicroEndpointCatalogTests
{
    private readonly MicroEndpointCatalog _catalog = new();

    [Fact]
    public void Add_Handlers_DataSourceRoutesThemAndRegistryDescribesThem()
    {
        var source = CreateDataSource();
        source.Add([Hello("Greeter.Hello"), Hello("Greeter.Bye")]);

        var routes = source.Endpoints.Cast<RouteEndpoint>().Select(e => e.RoutePattern.RawText!).ToArray();
        Assert.Equal<string>(["/Greeter/Hello", "/Greeter/Bye"], routes);
        Assert.Equal(["Greeter.Hello", "Greeter.Bye"], _catalog.Describe().Select(e => e.Name));
        Assert.True(_catalog.TryGetPath("Greeter.Bye", out var path));
        Assert.Equal("/Greeter/Bye", path);
        Assert.False(_catalog.TryGetPath("Greeter.Missing", out _));
    }

    [Fact]
    public void Add_AfterEndpointsWereRead_DataSourceRebuildsWithTheNewEndpoint()
    {
        var source = CreateDataSource();
        source.Add([Hello("Greeter.Hello")]);
        Assert.Single(source.Endpoints);

        source.Add([Hello("Greeter.Bye")]);

        Assert.Equal(2, source.Endpoints.Count);
    }

    [Fact]
    public void Add_SameNameTwiceOnOneDataSource_Throws()
    {
        var source = CreateDataSource();
        source.Add([Hello("Greeter.Hello")]);

        var ex = Assert.Throws<InvalidOperationException>(() => source.Add([Hello("Greeter.Hello")]));

        Assert.Equal("Endpoint 'Greeter.Hello' is mapped twice; each Type.Method can have one handler.", ex.Message);
    }

    [Fact]
    public void Describe_HiddenHandler_RoutedButNotDescribed()
    {
        var source = CreateDataSource();
        source.Add(DebugHandlers.Create());

        Assert.Empty(_catalog.Describe());
        Assert.Equal(2, source.Endpoints.Count);
        Assert.True(_catalog.TryGetPath("Debug.Health", out var path));
        Assert.Equal("/Debug/Health", path);
    }

    [Fact]
    public void Describe_IdempotentConventionAfterMapCall_MarksTheEndpoint()
    {
        var source = CreateDataSource();
        var conventions = source.Add([Hello("Greeter.Hello")]);
        Assert.False(_catalog.Describe()[0].Metadata.ContainsKey(MicroEndpointMetadataKeys.Idempotent));

        conventions.Idempotent();

        var endpoint = Assert.Single(_catalog.Describe());
        Assert.Equal("true", endpoint.Metadata[MicroEndpointMetadataKeys.Idempotent]);
        Assert.Equal("false", endpoint.Metadata[MicroEndpointMetadataKeys.Stream]);
    }

    [Fact]
    public void Describe_SubscriberDescriptions_ComeAfterHandlersAndReplaceByName()
    {
        CreateDataSource().Add([Hello("Greeter.Hello")]);
        _catalog.AddDescription(new MicroHosting.Registry.MicroEndpoint { Name = "Sub.A", Metadata = new Dictionary<string, string> { ["subscriber"] = "1" } });
        _catalog.AddDescription(new MicroHosting.Registry.MicroEndpoint { Name = "Sub.A", Metadata = new Dictionary<string, string> { ["subscriber"] = "2" } });

        var described = _catalog.Describe();

        Assert.Equal(["Greeter.Hello", "Sub.A"], described.Select(e => e.Name));
        Assert.Equal("2", described[1].Metadata["subscriber"]);
    }

    [Fact]
    public void Add_SameNameOnTwoDataSources_EachRoutesItsOwnAndTheLaterIsDescribedOnce()
    {
        var first = CreateDataSource();
        var second = CreateDataSource();
        first.Add([Hello("Greeter.Hello")]);
        second.Add([Hello("Greeter.Hello")]);

        Assert.Single(first.Endpoints);
        Assert.Single(second.Endpoints);
        Assert.Single(_catalog.Describe());
    }

    [Theory]
    [InlineData("Hello")]
    [InlineData("Greeter.{id}")]
    [InlineData("Greeter Hello.X")]
    public void ValidateName_NotTypeDotMethod_ThrowsWithTheRule(string name)
    {
        var ex = Assert.Throws<InvalidOperationException>(() => MicroEndpointCatalog.ValidateName(name));

        Assert.Equal($"Endpoint name '{name}' is not of the form Type.Method (for example Greeter.Hello): one dot, no '/', spaces or route characters.", ex.Message);
    }

    private static MicroHandler Hello(string name) => MicroHandlerFactory.FromDelegate(name, (HelloRequest r) => new HelloReply(r.Name));

    private MicroEndpointDataSource CreateDataSource()
    {
        var services = new ServiceCollection()
            .AddSingleton(_catalog)
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddMicro(o => o.Name = "catalog").Services
            .BuildServiceProvider();
        return new MicroEndpointDataSource(services);
    }
}
