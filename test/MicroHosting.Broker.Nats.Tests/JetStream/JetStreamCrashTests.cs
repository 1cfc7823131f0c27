using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static MicroHosting.Broker.Nats.Tests.JetStream.JetStreamFixture;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

/// <summary>
/// At-least-once under failures: subscribers killed with SIGKILL (child processes running <see cref="JetStreamNode"/>),
/// nats-server killed and restarted on the same store. Each test prints its figures.
/// </summary>
public sealed class JetStreamCrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscriber_KilledMidStreamAndRestarted_EveryMessageHandledAtLeastOnce()
    {
        const int Total = 1500;
        await using var server = await NatsServer.StartJetStreamAsync();
        var file = Path.GetTempFileName();
        try
        {
            var node = await StartNodeAsync(server, "js.crash", null, file, "crash-node");
            await using var publisher = await StartAsync(server, "shop");
            var publishing = PublishAsync(publisher, "js.crash", Total);

            await WaitForLinesAsync([file], 300);
            node.Kill();
            var handledBeforeKill = ReadIds(file).Count;
            await node.DisposeAsync();
            await publishing;

            await using var restarted = await StartNodeAsync(server, "js.crash", null, file, "crash-node");
            await WaitForDistinctAsync([file], Total);

            var ids = ReadIds(file);
            var duplicates = ids.Count - ids.Distinct().Count();
            output.WriteLine($"kill -9 subscriber after {handledBeforeKill} handled: {Total} published, {ids.Distinct().Count()} handled, {duplicates} duplicate(s)");
            Assert.Equal(Enumerable.Range(0, Total), ids.Distinct().Order());

            // A duplicate is a message handled but whose ack died with the process: at most the messages in flight.
            Assert.InRange(duplicates, 0, 16);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task QueueGroupOfThree_MemberKilled_ItsUnacknowledgedMessagesGoToTheOthers()
    {
        const int Total = 1500;
        await using var server = await NatsServer.StartJetStreamAsync();
        var files = Enumerable.Range(0, 3).Select(_ => Path.GetTempFileName()).ToArray();
        var nodes = new List<ChildProcess>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                // Member 0 stalls after 100 messages, so it surely holds unacknowledged deliveries when it is killed.
                nodes.Add(await StartNodeAsync(server, "js.group", "workers", files[i], $"member-{i}", stallAfter: i == 0 ? 100 : null));
            }

            await using var publisher = await StartAsync(server, "shop");
            var publishing = PublishAsync(publisher, "js.group", Total);
            await WaitForLinesAsync([files[0]], 100);
            nodes[0].Kill();
            await publishing;

            await WaitForDistinctAsync(files, Total);
            var all = files.SelectMany(ReadIds).ToList();
            var survivors = files.Skip(1).SelectMany(ReadLines).ToList();
            var redelivered = survivors.Count(l => l.Delivery > 1);
            output.WriteLine($"queue group of 3, member 0 killed after {ReadIds(files[0]).Count} handled: {all.Distinct().Count()} of {Total} handled, {all.Count - all.Distinct().Count()} duplicate(s), {redelivered} redelivered to the survivors, per member {string.Join("/", files.Select(f => ReadIds(f).Count))}");
            Assert.Equal(Enumerable.Range(0, Total), all.Distinct().Order());
            Assert.InRange(all.Count - all.Distinct().Count(), 0, 16);
            Assert.True(redelivered > 0, "the killed member's unacknowledged messages were redelivered to the others");
            Assert.All(files.Skip(1), f => Assert.NotEmpty(ReadIds(f)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            foreach (var file in files)
            {
                File.Delete(file);
            }
        }
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task QueueGroupOfThree_EachMessageHandledByOneMember()
    {
        const int Total = 300;
        await using var server = await NatsServer.StartJetStreamAsync();
        var sink = new MessageSink<(int Member, int Id)>();
        var members = new List<Microsoft.AspNetCore.Builder.WebApplication>();
        for (var member = 0; member < 3; member++)
        {
            var m = member;
            members.Add(await StartAsync(server, $"billing-{m}", s => s.AddMicroSubscriber<JetStreamTestMessage>("js.queue", async (message, _) =>
            {
                await Task.Delay(1);
                sink.Add((m, message.Id));
            }, queue: "billing")));
        }

        await using var publisher = await StartAsync(server, "shop");
        await PublishAsync(publisher, "js.queue", Total);

        await sink.WaitForAsync(Total, Patience);
        await Task.Delay(500);
        output.WriteLine($"queue group of 3: per member {string.Join("/", Enumerable.Range(0, 3).Select(m => sink.Items.Count(x => x.Member == m)))}");
        Assert.Equal(Total, sink.Count);
        Assert.Equal(Enumerable.Range(0, Total), sink.Items.Select(x => x.Id).Order());
        Assert.True(sink.Items.Select(x => x.Member).Distinct().Count() >= 2);
        foreach (var member in members)
        {
            await member.DisposeAsync();
        }
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task QueueMember_StoppedGracefully_GivesBackItsFetchedMessagesAtOnce()
    {
        const int Total = 200;
        await using var server = await NatsServer.StartJetStreamAsync();
        var sink = new MessageSink<(int Member, int Id)>();
        var firstHandled = new TaskCompletionSource();
        void Options(NatsBrokerOptions o) => o.JetStream.AckWait = TimeSpan.FromMinutes(5);
        var stopping = await StartAsync(
            server,
            "worker-a",
            s => s.AddMicroSubscriber<JetStreamTestMessage>("js.handoff", async (m, _) =>
            {
                sink.Add((0, m.Id));
                firstHandled.TrySetResult();
                await Task.Delay(50);
            }, queue: "workers"),
            Options);
        await using var publisher = await StartAsync(server, "shop");
        await PublishAsync(publisher, "js.handoff", Total);
        await firstHandled.Task.WaitAsync(Patience);

        // Worker A holds up to 64 fetched messages; stopping it must hand them over now, not after the 5 min AckWait.
        await stopping.StopAsync();
        await stopping.DisposeAsync();
        await using var other = await StartAsync(
            server,
            "worker-b",
            s => s.AddMicroSubscriber<JetStreamTestMessage>("js.handoff", (m, _) =>
            {
                sink.Add((1, m.Id));
                return Task.CompletedTask;
            }, queue: "workers"),
            Options);

        await sink.WaitForDistinctAsync(Total, TimeSpan.FromSeconds(60));
        output.WriteLine($"graceful stop: worker A handled {sink.Items.Count(x => x.Member == 0)}, worker B {sink.Items.Count(x => x.Member == 1)}, duplicates {sink.Count - sink.Items.Distinct().Count()}");
        Assert.Equal(Enumerable.Range(0, Total), sink.Items.Select(x => x.Id).Distinct().Order());
        Assert.Equal(Total, sink.Count);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task ServerRestart_DuringPublishAndConsume_NothingAcknowledgedIsLost()
    {
        const int Total = 1000;
        await using var server = await NatsServer.StartJetStreamAsync();
        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync(
            server,
            "audit",
            s => s.AddMicroSubscriber<JetStreamTestMessage>("js.restart", (m, _) =>
            {
                sink.Add(m.Id);
                return Task.CompletedTask;
            }),
            o => o.JetStream.AckWait = TimeSpan.FromSeconds(3));
        await using var publisher = await StartAsync(server, "shop");

        var acknowledged = new List<int>();
        var failed = 0;
        Task? restart = null;
        for (var i = 0; i < Total; i++)
        {
            if (i == 300)
            {
                restart = server.RestartAsync(TimeSpan.FromSeconds(1));
            }

            try
            {
                await Publisher(publisher).PublishAsync("js.restart", new JetStreamTestMessage(i));
                acknowledged.Add(i);
            }
            catch (MicroException)
            {
                failed++;
            }

            if (i % 10 == 0)
            {
                await Task.Delay(5);
            }
        }

        await restart!;
        await sink.WaitForDistinctAsync(acknowledged.Count, Patience);
        var handled = sink.Items.Distinct().ToHashSet();
        output.WriteLine($"nats-server restart (1 s down): {Total} published, {acknowledged.Count} acknowledged, {failed} failed with an error, {handled.Count} handled, {sink.Count - handled.Count} duplicate(s), acknowledged but lost {acknowledged.Count(i => !handled.Contains(i))}");
        Assert.All(acknowledged, i => Assert.Contains(i, handled));
    }

    private static async Task<ChildProcess> StartNodeAsync(NatsServer server, string topic, string? queue, string file, string instance, int? stallAfter = null)
    {
        string[] stall = stallAfter is { } n ? [n.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        var node = ChildProcess.Start("dotnet", [typeof(JetStreamNode).Assembly.Location, JetStreamNode.Command, server.Url, topic, queue ?? "-", file, instance, .. stall]);
        await node.WaitForAsync("^ready$", Patience);
        return node;
    }

    private static async Task PublishAsync(Microsoft.AspNetCore.Builder.WebApplication publisher, string topic, int total)
    {
        for (var i = 0; i < total; i++)
        {
            await Publisher(publisher).PublishAsync(topic, new JetStreamTestMessage(i));
        }
    }

    private static List<(int Id, int Delivery)> ReadLines(string file)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<(int, int)>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ');
            if (parts.Length == 2 && int.TryParse(parts[0], out var id) && int.TryParse(parts[1], out var delivery))
            {
                lines.Add((id, delivery));
            }
        }

        return lines;
    }

    private static List<int> ReadIds(string file) => [.. ReadLines(file).Select(l => l.Id)];

    private static Task WaitForLinesAsync(string[] files, int count) => WaitAsync(() => files.Sum(f => ReadIds(f).Count) >= count, $"{count} handled message(s)");

    private static Task WaitForDistinctAsync(string[] files, int count) => WaitAsync(() => files.SelectMany(ReadIds).Distinct().Count() >= count, $"{count} different handled message(s)");

    private static async Task WaitAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {what} within {Patience.TotalSeconds} s.");
            }

            await Task.Delay(100);
        }
    }
}
