using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Tests.Client.Pipeline;

/// <summary>
/// The client's handlers without sockets: call setup and resolution (as <c>AddMicroPipeline</c> chains them) over a
/// <see cref="StubHandler"/>, with the client's real runtime (node picker, health, retry rule) over an in-memory registry.
/// </summary>
internal sealed class ClientPipeline : IAsyncDisposable
{
    private readonly InMemoryRegistry _registry = new();
    private readonly ServiceProvider _services;

    public ClientPipeline(Dictionary<string, string?>? configuration = null, Action<IServiceCollection>? configure = null)
    {
        _services = TestClient.Create(_registry, configuration, configure);
        Runtime = _services.GetRequiredService<MicroClientRuntime>();
    }

    public MicroClientRuntime Runtime { get; }

    public StubHandler Stub { get; } = new();

    /// <summary>
    /// Registers a node of <paramref name="service"/> on 127.0.0.1:<paramref name="port"/>: a MicroHosting node, or else a
    /// Go Micro one; with <paramref name="grpc"/> it registers <c>protocol=grpc</c> (called on the gRPC wire).
    /// </summary>
    public async Task<MicroNode> AddNodeAsync(int port, bool native = true, string service = "greeter", bool grpc = false)
    {
        var metadata = native ? new Dictionary<string, string> { ["framework"] = "microhosting" } : [];
        if (grpc)
        {
            metadata["protocol"] = "grpc";
        }

        var node = new MicroNode
        {
            Id = $"{service}-{port}",
            Address = "127.0.0.1",
            Port = port,
            Metadata = metadata,
        };
        await _registry.RegisterAsync(new MicroService { Name = service, Nodes = [node] }, TimeSpan.Zero);
        return node;
    }

    /// <summary>The state of a typed call of <c>Greeter.Hello</c>, as <see cref="MicroCaller"/> makes it.</summary>
    public MicroCallState State(MicroCallOptions? options = null, string service = "greeter")
        => new(MicroCallPlan.Create(Runtime, service, "Greeter.Hello", options, profile: null, stream: false, protobufTypes: false))
        {
            Body = new MicroRequestBody<HelloRequest>(new HelloRequest("John")),
        };

    public static MicroCallRequest Request(MicroCallState state) => new(state, new Uri($"http://{state.Service}/Greeter/Hello"));

    /// <summary>The resolution handler alone over the stub: one attempt per send.</summary>
    public HttpMessageInvoker Resolution() => new(new MicroResolutionHandler(Runtime) { InnerHandler = Stub }, disposeHandler: false);

    /// <summary>Call setup, then resolution, then the stub: one call (its retries included) per send.</summary>
    public HttpMessageInvoker Call(MicroClientProfile? profile = null)
        => new(new MicroCallSetupHandler(Runtime, profile) { InnerHandler = new MicroResolutionHandler(Runtime) { InnerHandler = Stub } }, disposeHandler: false);

    public NodeState Health(MicroNode node) => Runtime.Health.Get(node.HostPort);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        _registry.Dispose();
        Stub.Dispose();
    }
}
