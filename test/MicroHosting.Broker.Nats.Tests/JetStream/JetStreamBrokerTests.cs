using System.Diagnostics;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Xunit.Abstractions;
using static MicroHosting.Broker.Nats.Tests.JetStream.JetStreamFixture;

namespace MicroHosting.Broker.Nats.Tests.JetStream;

public sealed class JetStreamBrokerTests(ITestOutputHelper output)
{
    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_Subscribe_HandledOnceWithMetadataAndDeliveryCount()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        var sink = new MessageSink<(JetStreamTestMessage Message, MicroMessageContext Context)>();
        await using var subscriber = await StartAsync(server, "audit", s => s.AddMicroSubscriber<JetStreamTestMessage>("js.basic", (m, c, _) =>
        {
            sink.Add((m, c));
            return Task.CompletedTask;
        }));
        await using var publisher = await StartAsync(server, "shop");

        var options = new MicroPublishOptions();
        options.Metadata["Tenant"] = "acme";
        using (var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            await Publisher(publisher).PublishAsync("js.basic", new JetStreamTestMessage(1, "hi"), options);
        }

        var (message, context) = (await sink.WaitForAsync(1))[0];
        Assert.Equal(new JetStreamTestMessage(1, "hi"), message);
        Assert.Equal(1, context.DeliveryCount);
        Assert.Equal("acme", context.Metadata["Tenant"]);
        Assert.Equal("shop", context.FromService);
        Assert.NotNull(context.RawMessage.GetHeader("traceparent"));
        Assert.False(context.Metadata.ContainsKey("Nats-Msg-Id"));
        Assert.Equal(1L, (long)(await StreamStateAsync(server, "MICRO")).Messages);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_SameMessageIdTwice_StoredAndHandledOnce()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync(server, "audit", s => s.AddMicroSubscriber<JetStreamTestMessage>("js.dedup", (m, _) =>
        {
            sink.Add(m.Id);
            return Task.CompletedTask;
        }));

        var broker = subscriber.Services.GetRequiredService<IBroker>();
        var retried = new BrokerMessage([new("Micro-Id", "order-42"), new("Content-Type", "application/json")], """{"id":42}"""u8.ToArray());
        await broker.PublishAsync("js.dedup", retried);
        await broker.PublishAsync("js.dedup", retried);
        var options = new MicroPublishOptions();
        options.Metadata["Nats-Msg-Id"] = "order-43";
        await Publisher(subscriber).PublishAsync("js.dedup", new JetStreamTestMessage(43), options);
        await Publisher(subscriber).PublishAsync("js.dedup", new JetStreamTestMessage(43), options);
        await Publisher(subscriber).PublishAsync("js.dedup", new JetStreamTestMessage(44));

        await sink.WaitForAsync(3);
        Assert.Equal(3L, (long)(await StreamStateAsync(server, "MICRO")).Messages);
        await Task.Delay(300);
        Assert.Equal([42, 43, 44], sink.Items.Order());
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Handler_AlwaysThrows_RedeliveredMaxDeliverTimesWithBackoffThenDeadLettered()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        var attempts = new MessageSink<(int Delivery, long Timestamp)>();
        await using var subscriber = await StartAsync(
            server,
            "billing",
            s => s.AddFakeLogging().AddMicroSubscriber<JetStreamTestMessage>("js.poison", (m, c, _) =>
            {
                attempts.Add((c.DeliveryCount, Stopwatch.GetTimestamp()));
                throw new InvalidOperationException($"order {m.Id} cannot be billed");
            }),
            o =>
            {
                o.JetStream.MaxDeliver = 3;
                o.JetStream.Backoff.Add(TimeSpan.FromMilliseconds(300));
                o.JetStream.Backoff.Add(TimeSpan.FromMilliseconds(600));
            });
        var options = new MicroPublishOptions();
        options.Metadata["Tenant"] = "acme";
        await Publisher(subscriber).PublishAsync("js.poison", new JetStreamTestMessage(7), options);

        var dead = await ReadStoredAsync(server, "MICRO_DEADLETTER", "micro.deadletter.js.poison", 1);
        var letter = Assert.Single(dead);
        Assert.Equal([1, 2, 3], attempts.Items.Select(a => a.Delivery));
        Assert.True(Stopwatch.GetElapsedTime(attempts.Items[0].Timestamp, attempts.Items[1].Timestamp) >= TimeSpan.FromMilliseconds(250));
        Assert.True(Stopwatch.GetElapsedTime(attempts.Items[1].Timestamp, attempts.Items[2].Timestamp) >= TimeSpan.FromMilliseconds(550));
        Assert.Equal("failed 3 deliveries (MaxDeliver 3); last error: InvalidOperationException: order 7 cannot be billed", letter.Headers!["Micro-Dead-Letter-Reason"].ToString());
        Assert.Equal("js.poison", letter.Headers["Micro-Dead-Letter-Topic"].ToString());
        Assert.Equal("3", letter.Headers["Micro-Dead-Letter-Deliveries"].ToString());
        Assert.Equal("acme", letter.Headers["Tenant"].ToString());
        Assert.Equal("application/json", letter.Headers["Content-Type"].ToString());
        Assert.Equal("js.poison", letter.Headers["Micro-Topic"].ToString());
        Assert.Contains("\"id\":7", System.Text.Encoding.UTF8.GetString(letter.Data!), StringComparison.OrdinalIgnoreCase);

        // The subscriber logs once the stream acknowledged the dead letter, which can come after the read above.
        var logs = subscriber.Services.GetFakeLogCollector();
        Assert.True(await Poll.UntilAsync(() => logs.GetSnapshot().Any(r => r.Id.Name == "JetStreamDeadLettered"), TimeSpan.FromSeconds(30)), "no JetStreamDeadLettered log");
        await Task.Delay(1000);
        Assert.Equal(3, attempts.Count);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Handler_ThrowsDeadLetterException_DeadLetteredWithoutRetry()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        var attempts = new MessageSink<int>();
        await using var subscriber = await StartAsync(server, "billing", s => s.AddMicroSubscriber<JetStreamTestMessage>("js.reject", (m, _) =>
        {
            attempts.Add(m.Id);
            throw new MicroDeadLetterException($"order {m.Id} does not exist");
        }));
        await Publisher(subscriber).PublishAsync("js.reject", new JetStreamTestMessage(9));

        var letter = Assert.Single(await ReadStoredAsync(server, "MICRO_DEADLETTER", "micro.deadletter.js.reject", 1));
        Assert.Equal("order 9 does not exist", letter.Headers!["Micro-Dead-Letter-Reason"].ToString());
        await Task.Delay(500);
        Assert.Equal([9], attempts.Items);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Message_DeadlinePassed_DeadLetteredNotHandled()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        var handled = new MessageSink<int>();
        await using var subscriber = await StartAsync(server, "billing", s => s.AddMicroSubscriber<JetStreamTestMessage>("js.deadline", (m, _) =>
        {
            handled.Add(m.Id);
            return Task.CompletedTask;
        }));
        var late = new MicroPublishOptions();
        late.Metadata["Micro-Deadline"] = DateTimeOffset.UtcNow.AddMinutes(-1).ToString("O");
        var inTime = new MicroPublishOptions();
        inTime.Metadata["Micro-Deadline"] = DateTimeOffset.UtcNow.AddMinutes(5).ToString("O");
        await Publisher(subscriber).PublishAsync("js.deadline", new JetStreamTestMessage(1), late);
        await Publisher(subscriber).PublishAsync("js.deadline", new JetStreamTestMessage(2), inTime);

        var letter = Assert.Single(await ReadStoredAsync(server, "MICRO_DEADLETTER", "micro.deadletter.js.deadline", 1));
        Assert.StartsWith("deadline ", letter.Headers!["Micro-Dead-Letter-Reason"].ToString(), StringComparison.Ordinal);
        Assert.EndsWith(" passed before the message was handled", letter.Headers["Micro-Dead-Letter-Reason"].ToString(), StringComparison.Ordinal);
        Assert.Equal([2], await handled.WaitForAsync(1));
        await Task.Delay(300);
        Assert.Equal([2], handled.Items);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscriber_StartsAfterPublish_ReceivesStoredMessages()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        await using (var publisher = await StartAsync(server, "shop"))
        {
            for (var i = 0; i < 20; i++)
            {
                await Publisher(publisher).PublishAsync("js.stored", new JetStreamTestMessage(i));
            }
        }

        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync(server, "late", s => s.AddMicroSubscriber<JetStreamTestMessage>("js.stored", (m, _) =>
        {
            sink.Add(m.Id);
            return Task.CompletedTask;
        }));
        Assert.Equal(Enumerable.Range(0, 20), (await sink.WaitForAsync(20)).Order());
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_ServerDown_FailsWithinTimeoutWithClearError()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        await using var publisher = await StartAsync(server, "shop");
        await Publisher(publisher).PublishAsync("js.down", new JetStreamTestMessage(1));

        // The 2 s under test bounds the publish during the outage, not the first one above (the cold path: see SetPublishTimeouts).
        SetPublishTimeouts(publisher, TimeSpan.FromSeconds(2));
        server.Stop();

        var started = Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAsync<MicroException>(() => Publisher(publisher).PublishAsync("js.down", new JetStreamTestMessage(2)));
        output.WriteLine($"failed after {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s: {error.Detail}");
        Assert.Equal(503, error.Code);
        Assert.StartsWith("JetStream did not acknowledge the message to 'js.down'", error.Detail, StringComparison.Ordinal);
        Assert.Contains(" within 2 s (Micro:Nats:JetStream:PublishTimeout): ", error.Detail, StringComparison.Ordinal);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(30));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_NewSubjectButStreamUpdateUnanswered_FailsWithinTimeoutWithFixAndOthersStillPublish()
    {
        // Ops often keep stream management from apps: this user may not publish to the stream-update API, so
        // adding a new subject to the stream gets no answer (the server drops the request as a permissions violation).
        var directory = Directory.CreateTempSubdirectory("nats-js-perm-");
        try
        {
            var config = Path.Combine(directory.FullName, "perm.conf");
            await File.WriteAllTextAsync(config, """
                authorization { users = [ { user: app, password: pw, permissions: { publish: { allow: [">"], deny: ["$JS.API.STREAM.UPDATE.>"] }, subscribe: ">" } } ] }
                """);
            await using var server = await NatsServer.StartJetStreamAsync("-c", config);
            await using var publisher = await StartAsync(server, "shop", options: o =>
            {
                o.User = "app";
                o.Password = "pw";
                o.JetStream.Subjects.Add("shop.>");
            });
            await Publisher(publisher).PublishAsync("shop.opened", new JetStreamTestMessage(1));

            // After the cold first publish: a 1 s attempt that ran it could end before the subject is even tried.
            SetPublishTimeouts(publisher, TimeSpan.FromSeconds(3), attempt: TimeSpan.FromSeconds(1));

            var error = await Assert.ThrowsAsync<MicroException>(() => Publisher(publisher).PublishAsync("audit.new", new JetStreamTestMessage(1)));
            output.WriteLine(error.Detail);
            Assert.Equal(503, error.Code);
            Assert.StartsWith("JetStream did not acknowledge the message to 'audit.new'", error.Detail, StringComparison.Ordinal);
            Assert.Contains("adding 'audit.new' to stream 'MICRO' got no answer within 1 s", error.Detail, StringComparison.Ordinal);
            Assert.Contains("$JS.API.STREAM.UPDATE.MICRO", error.Detail, StringComparison.Ordinal);

            // Nothing is left locked or half-done: a configured subject still publishes, and only those two are stored.
            await Publisher(publisher).PublishAsync("shop.placed", new JetStreamTestMessage(2));
            var state = await StreamStateAsync(server, "MICRO", "app", "pw");
            Assert.Equal(2, state.Messages);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Start_CreateStreamsOff_MissingStreamStopsStartWithFix()
    {
        await using var server = await NatsServer.StartJetStreamAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(server, "shop", options: o =>
        {
            o.JetStream.CreateStreams = false;
            o.JetStream.Subjects.Add("shop.>");
        }));
        Assert.Equal($"The JetStream stream 'MICRO' does not exist on {server.Url}: create it (subjects shop.>) or set Micro:Nats:JetStream:CreateStreams to true.", error.Message);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Start_ServerWithoutJetStream_StopsStartWithFix()
    {
        await using var server = await NatsServer.StartAsync();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => StartAsync(server, "shop", options: o => o.JetStream.Subjects.Add("shop.>")));
        output.WriteLine(error.ToString());
        Assert.IsType<InvalidOperationException>(error);
        Assert.EndsWith("Is nats-server running with JetStream enabled (nats-server -js)?", error.Message, StringComparison.Ordinal);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task NewConsumer_DeliverFromSequence_ReplaysFromThere()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        await using (var publisher = await StartAsync(server, "shop", options: o => o.JetStream.Subjects.Add("js.replay")))
        {
            for (var i = 1; i <= 10; i++)
            {
                await Publisher(publisher).PublishAsync("js.replay", new JetStreamTestMessage(i));
            }
        }

        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync(
            server,
            "replayer",
            s => s.AddMicroSubscriber<JetStreamTestMessage>("js.replay", (m, _) =>
            {
                sink.Add(m.Id);
                return Task.CompletedTask;
            }),
            o =>
            {
                o.JetStream.DeliverFrom = NatsJetStreamStart.BySequence;
                o.JetStream.StartSequence = 7;
            });

        Assert.Equal([7, 8, 9, 10], await sink.WaitForAsync(4));
        await Task.Delay(300);
        Assert.Equal(4, sink.Count);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Message_DeadlinePassesWhileHandled_HandlerCancelledAndDeadLettered()
    {
        await using var server = await NatsServer.StartJetStreamAsync();

        // The subscriber's clock: the deadline passes once the handler runs, when the test advances it. A wall-clock
        // deadline a second away could pass before a delivery on a loaded machine (then "passed before it was handled").
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var cancelled = new TaskCompletionSource();
        await using var subscriber = await StartAsync(server, "billing", s => s.AddSingleton<TimeProvider>(time).AddMicroSubscriber<JetStreamTestMessage>("js.slow", async (m, ct) =>
        {
            using var registration = ct.Register(() => cancelled.TrySetResult());
            handling.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
        }));
        var options = new MicroPublishOptions();
        options.Metadata["Micro-Deadline"] = time.GetUtcNow().AddMinutes(1).ToString("O");
        await Publisher(subscriber).PublishAsync("js.slow", new JetStreamTestMessage(1), options);
        await handling.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.False(cancelled.Task.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));

        var letter = Assert.Single(await ReadStoredAsync(server, "MICRO_DEADLETTER", "micro.deadletter.js.slow", 1));
        Assert.True(cancelled.Task.IsCompleted);
        Assert.EndsWith(" passed while the message was handled", letter.Headers!["Micro-Dead-Letter-Reason"].ToString(), StringComparison.Ordinal);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Message_LastDeliveriesNeverAcknowledged_DeadLetteredWithoutHandling()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        void Options(NatsBrokerOptions o)
        {
            o.JetStream.MaxDeliver = 2;
            o.JetStream.AckWait = TimeSpan.FromSeconds(1);
        }

        var handled = new MessageSink<int>();
        void Subscribe(IServiceCollection s) => s.AddMicroSubscriber<JetStreamTestMessage>("js.exhaust", (m, _) =>
        {
            handled.Add(m.Id);
            return Task.CompletedTask;
        }, queue: "workers");

        // Create the shared consumer, then stop its only member.
        var first = await StartAsync(server, "worker", Subscribe, Options);
        await first.StopAsync();
        await first.DisposeAsync();
        await using (var publisher = await StartAsync(server, "shop", options: Options))
        {
            await Publisher(publisher).PublishAsync("js.exhaust", new JetStreamTestMessage(5));
        }

        // Two deliveries that die unacknowledged, as if two subscribers crashed while handling the message.
        await using (var connection = new NATS.Client.Core.NatsConnection(new NATS.Client.Core.NatsOpts { Url = server.Url }))
        {
            var consumer = await new NATS.Client.JetStream.NatsJSContext(connection).GetConsumerAsync("MICRO", NatsInternals.ConsumerName("js.exhaust", "workers"));
            for (var delivery = 1; delivery <= 2; delivery++)
            {
                var message = await consumer.NextAsync<byte[]>(opts: new NATS.Client.JetStream.NatsJSNextOpts { Expires = TimeSpan.FromSeconds(10) });
                Assert.Equal((ulong)delivery, message!.Metadata!.Value.NumDelivered);
            }
        }

        await using var restarted = await StartAsync(server, "worker", Subscribe, Options);
        var letter = Assert.Single(await ReadStoredAsync(server, "MICRO_DEADLETTER", "micro.deadletter.js.exhaust", 1));
        Assert.Equal("not acknowledged after 2 deliveries (MaxDeliver); the last ones timed out (AckWait 1 s)", letter.Headers!["Micro-Dead-Letter-Reason"].ToString());
        Assert.Equal("3", letter.Headers["Micro-Dead-Letter-Deliveries"].ToString());
        await Task.Delay(300);
        Assert.Empty(handled.Items);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Handler_SlowerThanAckWait_NotRedeliveredWhileItRuns()
    {
        await using var server = await NatsServer.StartJetStreamAsync();
        var calls = new MessageSink<int>();
        await using var subscriber = await StartAsync(
            server,
            "billing",
            s => s.AddMicroSubscriber<JetStreamTestMessage>("js.slowack", async (m, c, ct) =>
            {
                calls.Add(c.DeliveryCount);
                await Task.Delay(TimeSpan.FromSeconds(7), ct);
            }),
            o => o.JetStream.AckWait = TimeSpan.FromSeconds(3)); // in-progress acks every 0.75 s, the first by 1.5 s: room for a late timer under load
        await Publisher(subscriber).PublishAsync("js.slowack", new JetStreamTestMessage(1));

        await calls.WaitForAsync(1);

        // Without in-progress acks the server would redeliver after 3 s, and the copy would run once this one is done.
        await Task.Delay(TimeSpan.FromSeconds(10));
        Assert.Equal([1], calls.Items);
    }
}
