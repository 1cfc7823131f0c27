using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using MicroHosting.Client;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Generators.Tests;

/// <summary>Generated contract clients against real Kestrel services: the endpoints they call and the server's names for them.</summary>
public sealed class ContractClientTests : IAsyncLifetime
{
    private readonly InMemoryRegistry _registry = new();
    private WebApplication _contractService = null!;
    private WebApplication _delegateService = null!;

    public async Task InitializeAsync()
    {
        // The service side of the contract: the class implementing it, mapped the usual way.
        _contractService = await MicroTestHost.StartAsync("greeter", app => app.MapMicroHandlers<GreeterService>(), _registry);

        // A service mapped by explicit Go Micro names, knowing nothing of the contract.
        _delegateService = await MicroTestHost.StartAsync("gogreeter", app =>
        {
            app.MapMicroHandler("Greeter.Hello", (HelloRequest r) => new HelloReply($"go hello {r.Name}"));
            app.MapMicroHandler("Greeter.Goodbye", (HelloRequest r) => new HelloReply($"go goodbye {r.Name}"));
            app.MapMicroHandler("Greeter.Shout", (HelloRequest r) => new HelloReply($"go shout {r.Name}"));
            app.MapMicroHandler("Accounts.Lookup", (HelloRequest r) => new HelloReply($"go lookup {r.Name}"));
        }, _registry);
    }

    public async Task DisposeAsync()
    {
        await _contractService.DisposeAsync();
        await _delegateService.DisposeAsync();
        _registry.Dispose();
    }

    [Fact]
    public async Task AddMicroClient_ContractInterface_CallsEachMethodOfTheServiceImplementingIt()
    {
        await using var services = CreateClient(s => s.AddMicroClient<IGreeter>("greeter"));
        var greeter = services.GetRequiredService<IGreeter>();

        Assert.Equal("Hello Ann", (await greeter.HelloAsync(new HelloRequest("Ann"))).Message);
        Assert.Equal("Goodbye Bo", (await greeter.Goodbye(new HelloRequest("Bo"))).Message);
        Assert.Equal("HELLO CY", (await greeter.LoudHelloAsync(new HelloRequest("Cy"))).Message);
        Assert.Equal("Hello World", (await greeter.HelloWorldAsync()).Message);
        Assert.Equal([1, 2, 3], await greeter.CountAsync(new CountRequest(3)).Select(n => n.Value).ToListAsync());
        Assert.Equal(6, (await greeter.SumAsync(Numbers(1, 2, 3))).Value);
    }

    [Fact]
    public async Task AddMicroClient_ContractInterface_CallsGoMicroEndpointNames()
    {
        await using var services = CreateClient(s =>
        {
            s.AddMicroClient<IGreeter>("gogreeter");
            s.AddMicroClient<IAccountService>("gogreeter");
        });
        var greeter = services.GetRequiredService<IGreeter>();

        Assert.Equal("go hello Ann", (await greeter.HelloAsync(new HelloRequest("Ann"))).Message);
        Assert.Equal("go goodbye Bo", (await greeter.Goodbye(new HelloRequest("Bo"))).Message);
        Assert.Equal("go shout Cy", (await greeter.LoudHelloAsync(new HelloRequest("Cy"))).Message);
        Assert.Equal("go lookup Di", (await services.GetRequiredService<IAccountService>().LookupAsync(new HelloRequest("Di"), default)).Message);
    }

    [Fact]
    public async Task AddMicroClient_ContractInterface_AppliesTheClientDefaults()
    {
        var offered = new List<string>();
        await using var refusing = CreateClient(s => s.AddMicroClient<IGreeter>("greeter", o => o.Filter = (service, node) =>
        {
            lock (offered)
            {
                offered.Add($"{service.Name}/{node.Id}");
            }

            return false;
        }));
        await using var accepting = CreateClient(s => s.AddMicroClient<IGreeter>("greeter", o => o.Filter = MicroNodeFilters.Endpoint("Greeter.Hello")));

        var error = await Assert.ThrowsAsync<MicroNodeNotFoundException>(() => refusing.GetRequiredService<IGreeter>().HelloAsync(new HelloRequest("Ann")));
        var reply = await accepting.GetRequiredService<IGreeter>().HelloAsync(new HelloRequest("Ann")); // the control: a filter the node passes

        Assert.Contains("filter", error.Detail, StringComparison.Ordinal);
        lock (offered)
        {
            Assert.Equal([$"greeter/{ContractServiceNodeId()}"], offered.Distinct());
        }

        Assert.Equal("Hello Ann", reply.Message);
    }

    [Fact]
    public async Task AddMicroClient_ContractInAnotherAssembly_FindsItsGeneratedClient()
    {
        // A contracts-only assembly, as users share one between service and callers: the generated client registers
        // from that assembly, not from the one calling AddMicroClient.
        var (diagnostics, compilation) = GeneratorHarness.Run(
            "[MicroContract(\"Greeter\")] public interface IRemoteGreeter { Task<Reply> HelloAsync(Request request, CancellationToken cancellationToken = default); }",
            "Contracts.NotYetRun");
        Assert.Empty(diagnostics);
        using var image = new MemoryStream();
        Assert.True(compilation.Emit(image).Success);
        var assembly = Assembly.Load(image.ToArray());
        var contract = assembly.GetType("Contracts.IRemoteGreeter", throwOnError: true)!;
        var register = typeof(MicroClientServiceCollectionExtensions).GetMethod(nameof(MicroClientServiceCollectionExtensions.AddMicroClient))!.MakeGenericMethod(contract);

        await using var services = CreateClient(s => register.Invoke(null, [s, "gogreeter", null]));
        var client = services.GetRequiredService(contract);
        var call = (Task)contract.GetMethod("HelloAsync")!.Invoke(client, [Activator.CreateInstance(assembly.GetType("Contracts.Request")!, "Ann"), CancellationToken.None])!;
        await call;

        var reply = call.GetType().GetProperty("Result")!.GetValue(call)!;
        Assert.Equal("go hello Ann", reply.GetType().GetProperty("Message")!.GetValue(reply));
    }

    [Fact]
    public void AddMicroClient_InterfaceWithoutGeneratedClient_ThrowsWithWhatToDo()
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<InvalidOperationException>(() => services.AddMicroClient<IServiceProvider>("greeter"));

        Assert.StartsWith(
            "IServiceProvider is an interface without a generated MicroHosting client. Mark it [MicroContract] and build its project with the MicroHosting source generator",
            error.Message,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Greeter/Hello", HttpStatusCode.OK, "Hello Ann")]
    [InlineData("/Greeter/Shout", HttpStatusCode.OK, "HELLO ANN")]
    [InlineData("/GreeterService/Extra", HttpStatusCode.OK, "Extra Ann")]
    [InlineData("/GreeterService/HelloAsync", HttpStatusCode.NotFound, null)]
    [InlineData("/Greeter/LoudHello", HttpStatusCode.NotFound, null)]
    public async Task MapMicroHandlers_ContractImplementation_AnswersAtTheContractNames(string path, HttpStatusCode status, string? message)
    {
        using var http = new HttpClient { BaseAddress = _contractService.BaseAddress() };

        using var response = await http.PostAsJsonAsync(path, new HelloRequest("Ann"));

        Assert.Equal(status, response.StatusCode);
        if (message is not null)
        {
            Assert.Equal(message, (await response.Content.ReadFromJsonAsync<HelloReply>())!.Message);
        }
    }

    private string ContractServiceNodeId() => _contractService.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MicroHosting.Hosting.MicroOptions>>().Value.Id!;

    private ServiceProvider CreateClient(Action<IServiceCollection> configure)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddMicroCore().UseRegistry(_registry);
        // These tests are about which endpoint is called, not timing: a loaded CI machine must not time them out.
        services.Configure<MicroClientOptions>(o => o.RequestTimeout = TimeSpan.FromSeconds(60));
        configure(services);
        return services.BuildServiceProvider();
    }

    private static async IAsyncEnumerable<Number> Numbers(params int[] values)
    {
        foreach (var value in values)
        {
            await Task.Yield();
            yield return new Number(value);
        }
    }
}
