using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

/// <summary>
/// A subscriber run as a child process (<c>dotnet MicroHosting.Broker.Nats.Tests.dll jetstream-node ...</c>) so a test can
/// kill it with SIGKILL mid-stream. It appends <c>&lt;id&gt; &lt;delivery&gt;</c> per handled message to its output file,
/// flushed before the handler returns (so before the ack), and prints <c>ready</c> once subscribed. An optional sixth
/// argument N makes it stall after N handled messages: every later delivery stays unacknowledged until it is killed.
/// </summary>
internal static class JetStreamNode
{
    public const string Command = "jetstream-node";

    public static async Task<int> RunAsync(string[] args)
    {
        var (url, topic, queue, output, instance) = (args[0], args[1], args[2] == "-" ? null : args[2], args[3], args[4]);
        var stallAfter = args.Length > 5 ? int.Parse(args[5], System.Globalization.CultureInfo.InvariantCulture) : int.MaxValue;
        var handled = 0;
        await using var file = new FileStream(output, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var gate = new SemaphoreSlim(1, 1);
        await using var app = await MicroTestHost.StartAsync(
            "jsnode",
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsJetStream(o =>
            {
                o.Url = url;
                // How soon a killed node's messages come back. Messages fetched ahead (Prefetch) get no in-progress acks:
                // 16 of them must be handled within it, or they come back as duplicates the crash did not cause; 2 s was
                // short for that on a starved machine.
                o.JetStream.AckWait = TimeSpan.FromSeconds(5);
                o.JetStream.InstanceName = instance;
                o.JetStream.Prefetch = 16;
            }),
            configureBuilder: b => b.Services.AddMicroSubscriber<JetStreamTestMessage>(
                topic,
                async (m, c, ct) =>
                {
                    // A little work per message, so a kill lands mid-stream with messages in flight.
                    await Task.Delay(2, ct);
                    await gate.WaitAsync(ct);
                    try
                    {
                        if (handled == stallAfter)
                        {
                            await Task.Delay(Timeout.Infinite, ct); // holds the gate: nothing more is handled or acked
                        }

                        handled++;
                        var line = System.Text.Encoding.UTF8.GetBytes($"{m.Id} {c.DeliveryCount}\n");
                        await file.WriteAsync(line, ct);
                        await file.FlushAsync(ct);
                    }
                    finally
                    {
                        gate.Release();
                    }
                },
                queue));
        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
