using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client.Internal;

/// <summary><c>IMicroClient</c>'s invoker runs a call's setup itself only when nothing else would run before it.</summary>
public sealed class MicroCallInvokerTests
{
    [Fact]
    public async Task Setup_TheMicroHostingClientsHandlers_IsTheSetupHandler()
    {
        using var registry = new InMemoryRegistry();
        await using var services = TestClient.Create(registry);

        using var invoker = new MicroCallInvoker(services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(MicroClientOptions.HttpClientName));

        Assert.NotNull(invoker.Setup);
    }

    [Fact]
    public async Task Setup_HandlerAddedBeforeTheSetupHandler_None()
    {
        using var registry = new InMemoryRegistry();
        await using var services = TestClient.Create(
            registry, configure: s => s.ConfigureHttpClientDefaults(b => b.AddHttpMessageHandler(() => new PassThrough())));

        using var invoker = new MicroCallInvoker(services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(MicroClientOptions.HttpClientName));

        Assert.Null(invoker.Setup);
        Assert.Null(invoker.DirectSetup);
    }

    [Fact]
    public async Task DirectSetup_ClientMiddlewareRegistered_None()
    {
        using var registry = new InMemoryRegistry();
        await using var services = TestClient.Create(
            registry, configure: s => s.AddMicroClientMiddleware(static (call, next) => next(call)));

        using var invoker = new MicroCallInvoker(services.GetRequiredService<IHttpMessageHandlerFactory>().CreateHandler(MicroClientOptions.HttpClientName));

        Assert.NotNull(invoker.Setup);
        Assert.Null(invoker.DirectSetup);
    }

    private sealed class PassThrough : DelegatingHandler;
}
