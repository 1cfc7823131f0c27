using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace MicroHosting.Tests.Client;

/// <summary>The Kestrel half of <see cref="TestClient"/>: greeter nodes on 127.0.0.1 for the client to call.</summary>
internal static partial class TestClient
{
    /// <summary>Starts a greeter node on 127.0.0.1 whose reply says which node it is.</summary>
    public static Task<WebApplication> StartGreeterAsync(
        IRegistry registry,
        string version = "latest",
        IDictionary<string, string>? metadata = null,
        string? address = null,
        Func<HelloRequest, MicroContext, CancellationToken, Task<HelloReply>>? handler = null,
        string name = "greeter",
        bool idempotent = false)
        => MicroTestHost.StartAsync(
            name,
            app =>
            {
                var mapped = app.MapMicroHandler("Greeter.Hello", handler ?? ((HelloRequest r, MicroContext c, CancellationToken _) =>
                    Task.FromResult(new HelloReply($"Hello {r.Name} from {NodeId(app)}"))));
                if (idempotent)
                {
                    mapped.Idempotent();
                }
            },
            registry,
            configureOptions: o =>
            {
                o.Version = version;
                o.Address = address;
                foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
                {
                    o.Metadata[key] = value;
                }
            });

    public static string NodeId(WebApplication app) => app.Services.GetRequiredService<IOptions<MicroHosting.Hosting.MicroOptions>>().Value.Id!;
}
