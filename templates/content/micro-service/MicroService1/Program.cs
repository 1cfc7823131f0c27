// Run it:  dotnet run --project MicroService1
// It registers as "microservice1" (mDNS, pinned to lo in appsettings.json) and serves MicroService1.Hello on the
// native route (POST /MicroService1/Hello) and Go Micro's (POST / with Micro-Endpoint). Call it:
//   micro call microservice1 MicroService1.Hello '{"name":"John"}'
using MicroService1;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMicro(options => options.Name = "microservice1");

var app = builder.Build();
app.MapMicroHandlers<MicroService1Handler>();
app.Run();
