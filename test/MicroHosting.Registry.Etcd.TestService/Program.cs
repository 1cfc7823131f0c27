// Registers MICRO_SERVER_NAME in the etcd registry at MICRO_REGISTRY_ADDRESS and serves Echo.Call until stopped.
// The etcd registry tests start it as a child process and kill it to watch its lease expire.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddMicro().AddEtcdRegistry();

var app = builder.Build();
app.MapMicroHandler("Echo.Call", (Dictionary<string, string> request) => request);
app.Run();
