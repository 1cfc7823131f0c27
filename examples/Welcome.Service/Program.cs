// The welcome service: a service that calls another and publishes, the shape most services have. Run it beside the
// greeter, from the repository root, in two terminals:
//   dotnet run --project examples/Greeter.Service
//   dotnet run --project examples/Welcome.Service
// then call it with the micro tool: micro call welcome Welcome.Join '{"name":"John"}'.
// Welcome.Join asks "greeter" for the greeting (through IGreeter, the client generated from greeter.proto) and publishes
// welcome.joined for whoever wants to know (a mailer, an audit). Its tests (test/MicroHosting.Examples.Tests,
// WelcomeServiceTests) run it with WebApplicationFactory on MicroHosting.Testing's in-memory network: a fake greeter, and
// the recorded publish.
using Greeter.Contracts;
using Welcome.Service;

// Settings (appsettings.json: mDNS pinned to lo) are read from the program's own folder, wherever it is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.Services.AddMicro(options => options.Name = "welcome");
builder.Services.AddMicroClient<IGreeter>("greeter");
builder.Services.AddMicroPublisher<MemberJoined>(Welcome.Service.Welcome.JoinedTopic);

var app = builder.Build();
app.MapMicroHandlers<Welcome.Service.Welcome>();
app.Run();
