// The greeter service. Run it with:
//   dotnet run --project examples/Greeter.Service
// It listens where MICRO_SERVER_ADDRESS (or Micro:Address in appsettings.json) says, registers as "greeter"
// in the registry MICRO_REGISTRY selects, and serves Greeter.Hello natively (POST /Greeter/Hello) and Go Micro style (POST /).
// The endpoint comes from greeter.proto (examples/Greeter.Contracts): Greeter implements the generated IGreeter.
// Its settings (appsettings.json: mDNS pinned to lo) are read from the program's own folder, wherever it is started
// from: the default content root is the current folder, which would skip them when started from elsewhere.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMicro(options => options.Name = "greeter")
    .AddEtcdRegistry()      // makes MICRO_REGISTRY=etcd (with MICRO_REGISTRY_ADDRESS) available...
    .UseRegistry("mdns");   // ...while mDNS stays the default

var app = builder.Build();
app.MapMicroHandlers<Greeter.Service.Greeter>();
app.Run();
