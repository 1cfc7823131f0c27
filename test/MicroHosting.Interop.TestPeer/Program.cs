// The .NET peer of the Go Micro interop tests, configured like any MicroHosting app (MICRO_* and Micro__* variables).
//   serve                                      greeter service (MICRO_SERVER_NAME, default dotnet-greeter): Greeter.Hello,
//                                              and a subscriber on each topic of INTEROP_TOPIC (comma-separated, default
//                                              events; INTEROP_QUEUE for a queue) printing "RECV topic=<t> body=<json>";
//                                              prints "READY <node id> <address>".
//   call <service> <endpoint> <json> <content-type> [timeout] [retries] [count]
//                                              typed calls (Greeter.Contracts HelloRequest -> HelloReply), one by default,
//                                              with no retry by default; prints "REPLY <message> (attempts <n>)" for each (exit 0) or
//                                              "ERROR <code> <detail>" at the first failure (exit 1).
using System.Text.Json;
using Greeter.Contracts;
using MicroHosting;
using MicroHosting.Client;
using MicroHosting.Registry;

if (args.Length > 0 && args[0] == "call")
{
    return await CallAsync(args);
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddMicro(o => o.Name ??= "dotnet-greeter");
var topics = (Environment.GetEnvironmentVariable("INTEROP_TOPIC") ?? "events").Split(',', StringSplitOptions.RemoveEmptyEntries);
var queue = Environment.GetEnvironmentVariable("INTEROP_QUEUE") is { Length: > 0 } q ? q : null;
foreach (var topic in topics)
{
    builder.Services.AddMicroSubscriber<JsonElement>(topic, (message, context, _) =>
    {
        Console.WriteLine($"RECV topic={context.Topic} body={message.GetRawText()}");
        return Task.CompletedTask;
    }, queue);
}

var app = builder.Build();
app.MapMicroHandler("Greeter.Hello", async (HelloRequest request, MicroContext context, CancellationToken cancellationToken) =>
{
    Console.WriteLine($"CALL Greeter.Hello name={request.Name} content-type={context.HttpContext.Request.ContentType}");
    if (string.IsNullOrEmpty(request.Name))
    {
        throw MicroException.BadRequest(context.Service, "name is required");
    }

    if (request.Name.StartsWith("wait:", StringComparison.Ordinal))
    {
        // The deadline the caller's Timeout header gave this handler, in whole seconds rounded up (-1: none).
        Console.WriteLine($"DEADLINE {(context.RemainingTime is { } left ? (int)Math.Ceiling(left.TotalSeconds) : -1)}");
        await Task.Delay(TimeSpan.Parse("00:00:" + request.Name[5..].TrimEnd('s'), System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
    }

    return new HelloReply { Message = "Hello from .NET " + request.Name };
});
app.Lifetime.ApplicationStarted.Register(() =>
{
    var registry = app.Services.GetRequiredService<IRegistry>();
    var node = registry.GetServiceAsync(app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<MicroHosting.Hosting.MicroOptions>>().Value.Name!)
        .GetAwaiter().GetResult().SelectMany(s => s.Nodes).FirstOrDefault();
    Console.WriteLine($"READY {node?.Id} {node?.HostPort}");
});
app.Run();
return 0;

static async Task<int> CallAsync(string[] args)
{
    var builder = Host.CreateApplicationBuilder();
    builder.Logging.SetMinimumLevel(LogLevel.Warning);
    builder.Services.AddMicroCore();
    using var host = builder.Build();
    var client = host.Services.GetRequiredService<IMicroClient>();
    var request = new HelloRequest { Name = JsonDocument.Parse(args[3]).RootElement.GetProperty("name").GetString() ?? string.Empty };
    var options = new MicroCallOptions
    {
        ContentType = args[4],
        Timeout = args.Length > 5 && args[5].Length > 0 ? TimeSpan.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : null,
        Retries = args.Length > 6 ? int.Parse(args[6], System.Globalization.CultureInfo.InvariantCulture) : 0,
    };
    var count = args.Length > 7 ? int.Parse(args[7], System.Globalization.CultureInfo.InvariantCulture) : 1;
    try
    {
        for (var i = 0; i < count; i++)
        {
            var reply = await client.SendAsync<HelloRequest, HelloReply>(args[1], args[2], request, options);
            Console.WriteLine($"REPLY {reply.Value.Message} (attempts {reply.Attempts})");
        }

        return 0;
    }
    catch (MicroException ex)
    {
        Console.WriteLine($"ERROR {ex.Code} {ex.Detail}");
        return 1;
    }
}
