// Run it:  dotnet run --project MicroApp1.Client -- --name John   (with MicroApp1 running)
// It finds "microapp1" in the registry (mDNS by default; MICRO_REGISTRY=etcd|static|memory), calls MicroApp1.Hello
// through the IMicroApp1 client generated from the service's .proto, and prints the reply.
using MicroApp1.Contracts;
using MicroHosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMicroClient<IMicroApp1>("microapp1");
using var host = builder.Build();

try
{
    var reply = await host.Services.GetRequiredService<IMicroApp1>().HelloAsync(new HelloRequest { Name = builder.Configuration["name"] ?? "World" });
    Console.WriteLine(reply.Message);
    return 0;
}
catch (MicroException ex)
{
    Console.Error.WriteLine($"Calling microapp1 failed: {ex.Detail} (code {ex.Code}, from {ex.Id})");
    return 1;
}
