using MicroHosting.Broker.Nats.Tests.JetStream;

namespace MicroHosting.Broker.Nats.Tests;

/// <summary>The test assembly doubles as the subscriber process the crash tests kill (<see cref="JetStreamNode"/>).</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is [JetStreamNode.Command, .. var rest])
        {
            return await JetStreamNode.RunAsync(rest);
        }

        await Console.Error.WriteLineAsync($"Usage: dotnet MicroHosting.Broker.Nats.Tests.dll {JetStreamNode.Command} <url> <topic> <queue|-> <output file> <instance>");
        return 2;
    }
}
