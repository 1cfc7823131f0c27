// The greeter service. Run it with:
//   dotnet run --project examples/Greeter.Service
// It listens where MICRO_SERVER_ADDRESS (or Micro:Address in appsettings.json) says, registers as "greeter"
// in the registry MICRO_REGISTRY selects, and serves Greeter.Hello natively (POST /Greeter/Hello) and Go Micro style (POST /).
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMicro(options => options.Name = "greeter")
    .AddEtcdRegistry()      // makes MICRO_REGISTRY=etcd (with MICRO_REGISTRY_ADDRESS) available...
    .UseRegistry("mdns");   // ...while mDNS stays the default

var app = builder.Build();
app.MapMicroHandlers<Greeter.Service.Greeter>();
app.Run();
