// Run it:  dotnet run --project MicroApp1
// It registers as "microapp1" (mDNS, pinned to lo in appsettings.json) and serves MicroApp1.Hello on the
// native route (POST /MicroApp1/Hello) and Go Micro's (POST / with Micro-Endpoint). Call it:
//   micro call microapp1 MicroApp1.Hello '{"name":"John"}'
using MicroApp1;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMicro(options => options.Name = "microapp1");

var app = builder.Build();
app.MapMicroHandlers<MicroApp1Handler>();
app.Run();
