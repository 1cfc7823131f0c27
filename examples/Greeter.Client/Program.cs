// A greeter client. Run it with:
//   dotnet run --project examples/Greeter.Client -- --name John
// It finds "greeter" through the registry MICRO_REGISTRY selects (mDNS by default; etcd; static with Micro:Static:Services),
// calls Greeter.Hello on one of its nodes through IGreeter, the client generated from greeter.proto, and prints the reply.
using Greeter.Contracts;
using MicroHosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

// Its settings (appsettings.json: mDNS pinned to lo, warnings only) are read from the program's own folder, wherever it
// is started from: the default content root is the current folder, which would skip them when started from elsewhere.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Logging.AddFilter("System.Net.Http", LogLevel.Warning);
builder.Services.AddMicroCore()
    .AddEtcdRegistry()      // makes MICRO_REGISTRY=etcd (with MICRO_REGISTRY_ADDRESS) available...
    .UseRegistry("mdns");   // ...while mDNS stays the default
builder.Services.AddMicroClient<IGreeter>("greeter");
using var host = builder.Build();

var name = builder.Configuration["name"] ?? "World";
try
{
    var reply = await host.Services.GetRequiredService<IGreeter>().HelloAsync(new HelloRequest { Name = name });
    Console.WriteLine(reply.Message);
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
