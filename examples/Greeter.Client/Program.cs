// A greeter client. Run it with:
//   dotnet run --project examples/Greeter.Client -- --name John
// It finds "greeter" through the registry MICRO_REGISTRY selects (mDNS by default; etcd; static with Micro:Static:Services),
// calls Greeter.Hello on one of its nodes and prints the reply.
using Greeter.Client;
using MicroHosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
builder.Services.AddMicroCore()
    .AddEtcdRegistry()      // makes MICRO_REGISTRY=etcd (with MICRO_REGISTRY_ADDRESS) available...
    .UseRegistry("mdns");   // ...while mDNS stays the default
builder.Services.AddMicroClient<GreeterClient>("greeter");
using var host = builder.Build();

var name = builder.Configuration["name"] ?? "World";
try
{
    var reply = await host.Services.GetRequiredService<GreeterClient>().HelloAsync(name);
    Console.WriteLine(reply.Value.Message);
    return 0;
}
catch (MicroException ex)
{
    Console.Error.WriteLine($"Calling greeter failed: {ex.Detail} (code {ex.Code}, from {ex.Id})");
    return 1;
}
catch (InvalidOperationException ex)
{
    // Misconfiguration (an unknown registry, invalid options): the message says what to change.
    Console.Error.WriteLine(ex.Message);
    return 2;
}
