// The main job:
//   dotnet run --project examples/Greeter [-- --name John --calls 10]
// One process starts two greeter nodes (examples/Greeter.Service's handler) and a client (examples/Greeter.Client's
// typed client). The client calls "greeter" by name; each call is routed to one of the nodes it discovered.
using Greeter.Client;
using MicroHosting.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

var settings = new ConfigurationBuilder().AddCommandLine(args).Build();
var name = settings["name"] ?? "John";
var calls = int.TryParse(settings["calls"], out var n) && n > 0 ? n : 10;

// The three parts find each other through the default registry, mDNS, pinned to the loopback interface for the demo
// (MICRO_MDNS_INTERFACES overrides it). Remove the pin to discover greeters across your network.
static void UseRegistry(IMicroBuilder micro) => micro.AddMdnsRegistry(options =>
{
    options.Interfaces.Add("lo");
    options.IPv6 = false; // lo has no IPv6 multicast route on most Linux machines
});

Console.WriteLine("Starting 2 greeter nodes and a client in one process (registry: mdns on lo).");
await using var node1 = await StartNodeAsync();
await using var node2 = await StartNodeAsync();
var labels = new Dictionary<string, string>
{
    [NodeId(node1)] = "node 1",
    [NodeId(node2)] = "node 2",
};
foreach (var node in new[] { node1, node2 })
{
    Console.WriteLine($"  {labels[NodeId(node)]}: {NodeId(node)} listening on {node.Urls.First()}");
}

var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = [], DisableDefaults = true });
clientBuilder.Services.AddLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
UseRegistry(clientBuilder.Services.AddMicroCore());
clientBuilder.Services.AddMicroClient<GreeterClient>("greeter");
using var client = clientBuilder.Build();
await client.StartAsync();
var greeter = client.Services.GetRequiredService<GreeterClient>();

Console.WriteLine($"The client calls greeter Greeter.Hello {calls} times by name:");
var served = labels.Keys.ToDictionary(id => id, _ => 0);
for (var i = 1; i <= calls; i++)
{
    var reply = await greeter.HelloAsync($"{name} #{i}");
    served[reply.Node.Id] = served.GetValueOrDefault(reply.Node.Id) + 1;
    var label = labels.GetValueOrDefault(reply.Node.Id, "unknown node");
    Console.WriteLine($"  call {i,2}: \"{reply.Value.Message}\" served by {label} ({reply.Node.Id} at {reply.Node.HostPort})");
}

Console.WriteLine("Calls per node: " + string.Join(", ", served.Select(p => $"{labels.GetValueOrDefault(p.Key, p.Key)} {p.Value}")));
await client.StopAsync();
await node1.StopAsync();
await node2.StopAsync();
Console.WriteLine("Done.");
return 0;

async Task<WebApplication> StartNodeAsync()
{
    var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
    builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
    builder.WebHost.UseUrls("http://127.0.0.1:0");
    UseRegistry(builder.Services.AddMicro(options => options.Name = "greeter"));
    var app = builder.Build();
    app.MapMicroHandlers<Greeter.Service.Greeter>();
    await app.StartAsync();
    return app;
}

static string NodeId(WebApplication node) => node.Services.GetRequiredService<IOptions<MicroOptions>>().Value.Id!;
