// Run it:  dotnet run -- --name John   (a service named "greeter" must be running and registered)
// It finds "greeter" in the registry (mDNS by default; MICRO_REGISTRY=etcd|static|memory), calls Greeter.Hello through
// the IGreeter client generated from Protos/greeter.proto, and prints the reply.
using Greeter.Contracts;
using MicroHosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMicroClient<IGreeter>("greeter");
using var host = builder.Build();

try
{
    var reply = await host.Services.GetRequiredService<IGreeter>().HelloAsync(new HelloRequest { Name = builder.Configuration["name"] ?? "World" });
    Console.WriteLine(reply.Message);
    return 0;
}
catch (MicroException ex)
{
    Console.Error.WriteLine($"Calling greeter failed: {ex.Detail} (code {ex.Code}, from {ex.Id})");
    return 1;
}
