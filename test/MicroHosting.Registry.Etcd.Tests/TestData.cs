using MicroHosting.Registry.Etcd.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MicroHosting.Registry.Etcd.Tests;

internal static class TestData
{
    public static string UniqueName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..(stem.Length + 13)];

    public static MicroService Service(string name, string nodeId, int port = 8080, string version = "latest", string tag = "a") => new()
    {
        Name = name,
        Version = version,
        Metadata = new Dictionary<string, string> { ["owner"] = "tests" },
        Endpoints =
        [
            new MicroEndpoint
            {
                Name = "Greeter.Hello",
                Request = new MicroValue { Name = "HelloRequest", Type = "HelloRequest", Values = [new MicroValue { Name = "name", Type = "string" }] },
                Response = new MicroValue { Name = "HelloReply", Type = "HelloReply" },
                Metadata = new Dictionary<string, string> { ["stream"] = "false" },
            },
        ],
        Nodes = [new MicroNode { Id = nodeId, Address = "127.0.0.1", Port = port, Metadata = new Dictionary<string, string> { ["protocol"] = "mucp", ["tag"] = tag } }],
    };

    public static EtcdRegistry Registry(string addresses, Action<EtcdRegistryOptions>? configure = null, TimeProvider? timeProvider = null)
    {
        var options = new EtcdRegistryOptions { Addresses = addresses, OperationTimeout = TimeSpan.FromSeconds(15) };
        configure?.Invoke(options);
        return new EtcdRegistry(Options.Create(options), timeProvider ?? TimeProvider.System, NullLogger<EtcdRegistry>.Instance);
    }
}
