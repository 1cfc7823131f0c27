using System.Diagnostics.Metrics;
using MicroHosting.Broker.Nats.Internal;
using MicroHosting.Registry;
using MicroHosting.TestUtilities;
using MicroHosting.Tests.Protos;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging.Testing;
using Xunit.Abstractions;

namespace MicroHosting.Broker.Nats.Tests.Internal;

[Collection(NatsCollection.Name)]
public sealed class NatsBrokerTests(NatsServer server, ITestOutputHelper output)
{
    public sealed record OrderPlaced(string Id, int Amount);

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_Broadcast_EverySubscriberGetsEveryMessage()
    {
        var sinks = Enumerable.Range(0, 3).Select(_ => new MessageSink<string>()).ToArray();
        var apps = new List<WebApplication>();
        foreach (var sink in sinks)
        {
            apps.Add(await StartAsync("audit", s => s.AddMicroSubscriber<OrderPlaced>("nats.orders.broadcast", (o, _) => Add(sink, o.Id))));
        }

        await using var publisher = await StartAsync("shop");
        for (var i = 0; i < 10; i++)
        {
            await Publisher(publisher).PublishAsync("nats.orders.broadcast", new OrderPlaced($"o-{i}", i));
        }

        foreach (var sink in sinks)
        {
            Assert.Equal(10, (await sink.WaitForAsync(10)).Distinct().Count());
        }

        await Task.Delay(200);
        Assert.All(sinks, s => Assert.Equal(10, s.Count));
        await DisposeAll(apps);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_QueueGroup_EachMessageHandledExactlyOnce()
    {
        var sink = new MessageSink<(int Member, string Id)>();
        var apps = new List<WebApplication>();
        for (var member = 0; member < 3; member++)
        {
            var m = member;
            apps.Add(await StartAsync("billing", s => s.AddMicroSubscriber<OrderPlaced>("nats.orders.queue", (o, _) => Add(sink, (m, o.Id)), queue: "billing")));
        }

        await using var publisher = await StartAsync("shop");
        for (var i = 0; i < 90; i++)
        {
            await Publisher(publisher).PublishAsync("nats.orders.queue", new OrderPlaced($"o-{i}", i));
        }

        await sink.WaitForAsync(90);
        await Task.Delay(300);
        Assert.Equal(90, sink.Count);
        Assert.Equal(90, sink.Items.Select(x => x.Id).Distinct().Count());
        Assert.True(sink.Items.Select(x => x.Member).Distinct().Count() >= 2);
        await DisposeAll(apps);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_HeadersMetadataAndProtobuf_Survive()
    {
        var sink = new MessageSink<(EchoRequest Message, MicroMessageContext Context)>();
        await using var subscriber = await StartAsync("audit", s => s.AddMicroSubscriber<EchoRequest>("nats.echo", (m, c, _) => Add(sink, (m, c))));
        await using var publisher = await StartAsync("shop");

        var sent = new EchoRequest { Text = "hi", Number = 7, Tags = { "x" } };
        var options = new MicroPublishOptions();
        options.Metadata["Tenant"] = "acme";
        await Publisher(publisher).PublishAsync("nats.echo", sent, options);

        var (message, context) = (await sink.WaitForAsync(1))[0];
        Assert.Equal(sent, message);
        Assert.Equal("application/protobuf", context.ContentType);
        Assert.Equal("acme", context.Metadata["Tenant"]);
        Assert.Equal("shop", context.FromService);
        Assert.True(Guid.TryParse(context.Id, out _));
        Assert.Equal("nats.echo", context.RawMessage.GetHeader("Micro-Topic"));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscriber_Throws_LoggedAndNextMessagesStillDelivered()
    {
        var sink = new MessageSink<string>();
        await using var subscriber = await StartAsync("audit", s => s.AddFakeLogging().AddMicroSubscriber<OrderPlaced>("nats.flaky", (o, _) =>
        {
            if (o.Amount == 0)
            {
                throw new InvalidOperationException("bad order");
            }

            return Add(sink, o.Id);
        }));
        await using var publisher = await StartAsync("shop");

        await Publisher(publisher).PublishAsync("nats.flaky", new OrderPlaced("bad", 0));
        await Publisher(publisher).PublishAsync("nats.flaky", new OrderPlaced("good", 1));

        Assert.Equal(["good"], await sink.WaitForAsync(1));
        var logs = subscriber.Services.GetFakeLogCollector().GetSnapshot();
        Assert.Contains(logs, r => r.Id.Name == "NatsHandlerFailed" && r.Message.Contains("bad order", StringComparison.Ordinal));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Stop_Unsubscribes_NoMoreDeliveries()
    {
        var sink = new MessageSink<string>();
        var control = new MessageSink<string>();
        await using var subscriber = await StartAsync("audit", s => s.AddMicroSubscriber<OrderPlaced>("nats.stop", (o, _) => Add(sink, o.Id)));
        await using var stillRunning = await StartAsync("audit-control", s => s.AddMicroSubscriber<OrderPlaced>("nats.stop", (o, _) => Add(control, o.Id)));
        await using var publisher = await StartAsync("shop");
        await Publisher(publisher).PublishAsync("nats.stop", new OrderPlaced("before", 1));
        await sink.WaitForAsync(1);

        // Stopped, not disposed: its NATS connection and handler stay alive, so only the unsubscribe can stop deliveries.
        await subscriber.StopAsync();
        await Publisher(publisher).PublishAsync("nats.stop", new OrderPlaced("after", 2));
        await Publisher(publisher).PublishAsync("nats.stop", new OrderPlaced("after-2", 3));

        // The control, subscribed all along, has both: a delivery to the stopped one would have come by now.
        Assert.Equal(["after", "after-2", "before"], (await control.WaitForAsync(3)).Order());
        Assert.Equal(["before"], sink.Items);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task ServerRestart_DuringPublishing_ResumesAfterReconnectAndLossIsMeasured()
    {
        await using var own = await NatsServer.StartAsync();
        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync("audit", s => s.AddMicroSubscriber<OrderPlaced>("nats.restart", (o, _) => Add(sink, o.Amount)), own.Url);
        await using var publisher = await StartAsync("shop", s => s.AddFakeLogging(), own.Url);

        const int Total = 600;
        const int Probe = -1;
        var publishErrors = 0;
        Task? restart = null;
        for (var i = 0; i < Total - 100; i++)
        {
            if (i == 150)
            {
                restart = own.RestartAsync(TimeSpan.FromMilliseconds(500));
            }

            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await Publisher(publisher).PublishAsync("nats.restart", new OrderPlaced($"o-{i}", i), cancellationToken: timeout.Token);
            }
            catch (Exception)
            {
                publishErrors++;
            }

            await Task.Delay(5);
        }

        await restart!;

        // Each client reconnects on its own back-off (NATS.Net: at once, then after 2, 4, 5 s...), so the subscriber can be
        // back seconds after the publisher, and core NATS drops what is published meanwhile: the tail goes out once a
        // probe shows the subscriber receives again.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!sink.Items.Contains(Probe))
        {
            Assert.True(DateTime.UtcNow < deadline, "the subscriber did not receive again after the restart");
            try
            {
                await Publisher(publisher).PublishAsync("nats.restart", new OrderPlaced("probe", Probe));
            }
            catch (MicroException)
            {
                // The publisher is still reconnecting.
            }

            await Task.Delay(100);
        }

        // Publishing resumed: the tail, sent after both clients reconnected, arrives in full.
        var expectedTail = Enumerable.Range(Total - 100, 100).ToArray();
        foreach (var i in expectedTail)
        {
            await Publisher(publisher).PublishAsync("nats.restart", new OrderPlaced($"o-{i}", i));
            await Task.Delay(5);
        }

        await Poll.UntilAsync(() => expectedTail.All(sink.Items.Contains), TimeSpan.FromSeconds(30));
        Assert.All(expectedTail, i => Assert.Contains(i, sink.Items));
        var received = sink.Items.Where(i => i != Probe).Distinct().Count();
        output.WriteLine($"nats restart: published {Total}, publish errors {publishErrors}, received {received}, lost {Total - received} ({100.0 * (Total - received) / Total:F1}%)");
        Assert.Contains(publisher.Services.GetFakeLogCollector().GetSnapshot(), r => r.Id.Name == "NatsDisconnected");
        var health = await publisher.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "micro-broker-nats");
        Assert.Equal(HealthStatus.Healthy, health.Status);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_ServerDown_FailsAfterPublishTimeoutWithClearErrorAndResumesAfterRestart()
    {
        await using var own = await NatsServer.StartAsync();
        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync("audit", s => s.AddMicroSubscriber<OrderPlaced>("nats.outage", (o, _) => Add(sink, o.Amount)), own.Url);
        await using var publisher = await StartPublisherAsync(own.Url);
        await Publisher(publisher).PublishAsync("nats.outage", new OrderPlaced("before", 1));
        await sink.WaitForAsync(1);

        own.Stop();
        var broker = (NatsBroker)publisher.Services.GetRequiredService<IBroker>();
        while (broker.State == NATS.Client.Core.NatsConnectionState.Open)
        {
            await Task.Delay(20);
        }

        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var error = await Assert.ThrowsAsync<MicroException>(() => Publisher(publisher).PublishAsync("nats.outage", new OrderPlaced("during", 2)));
        var waited = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        output.WriteLine($"publish during the outage failed after {waited.TotalMilliseconds:F0} ms: {error.Detail}");
        Assert.Equal(503, error.Code);
        Assert.StartsWith("The NATS broker could not publish to 'nats.outage' within 1 s (Micro:Nats:PublishTimeout): the connection to " + own.Url + " is ", error.Detail, StringComparison.Ordinal);

        // Bounded: the caller gets the error long before the outage ends (it never ends in this test until restarted).
        Assert.True(waited < TimeSpan.FromSeconds(20), $"waited {waited}");

        await own.StartAgainAsync();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!sink.Items.Contains(3))
        {
            Assert.True(DateTime.UtcNow < deadline, "publishing did not resume after the server came back");
            try
            {
                await Publisher(publisher).PublishAsync("nats.outage", new OrderPlaced("after", 3));
            }
            catch (MicroException)
            {
                // Still reconnecting.
            }

            await Task.Delay(200);
        }
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_ManyConcurrentPublishers_EveryAwaitCompletesAndEachMessageCountedOnceAndDelivered()
    {
        const int Publishers = 16;
        const int PerRound = 500;
        var delivered = 0;

        // A subscription buffer larger than anything sent here, so that no message is dropped on the way in.
        await using var subscriber = await StartSubscriberAsync(pending: 1_000_000);
        await using var subscription = await subscriber.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.concurrent", (_, _, _) =>
        {
            Interlocked.Increment(ref delivered);
            return ValueTask.CompletedTask;
        });
        await using var publisher = await StartAsync("shop");
        using var published = new MetricCollector<long>(publisher.Services.GetRequiredService<IMeterFactory>(), "MicroHosting", "microhosting.broker.published");
        var broker = publisher.Services.GetRequiredService<IBroker>();
        var sent = 0;
        var waited = 0;

        // Rounds until some publishes had to wait for NATS.Net's write lock (the path under test); usually the first.
        for (var round = 0; round < 40 && Volatile.Read(ref waited) == 0; round++)
        {
            var rounds = Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
            {
                for (var i = 0; i < PerRound; i++)
                {
                    var publish = broker.PublishAsync("nats.concurrent", new BrokerMessage([new("Content-Type", "text/plain")], "order"u8.ToArray()));
                    if (!publish.IsCompleted)
                    {
                        Interlocked.Increment(ref waited);
                    }

                    await publish;
                    Interlocked.Increment(ref sent);
                }
            }));
            await Task.WhenAll(rounds).WaitAsync(TimeSpan.FromMinutes(1));
        }

        output.WriteLine($"published {sent}, {waited} of them waited for NATS.Net's write lock");
        Assert.True(waited > 0, "no publish waited for NATS.Net's write lock in 40 rounds: the path under test did not run");
        Assert.Equal(sent, published.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.All(published.GetMeasurementSnapshot(), m => Assert.Equal("nats.concurrent", m.Tags["topic"]));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Volatile.Read(ref delivered) < sent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.Equal(sent, Volatile.Read(ref delivered));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_HeadersFormatConcurrentPublishers_EachMessageArrivesWithExactlyItsOwnHeaders()
    {
        // The publish's NatsHeaders are reused: under 16 publishers (many waiting for NATS.Net's write lock) no message
        // may carry another's header, or lose one of its own.
        const int Publishers = 16;
        const int PerRound = 500;
        var received = new System.Collections.Concurrent.ConcurrentQueue<BrokerMessage>();
        await using var subscriber = await StartHeadersFormatAsync("audit", server.Url);
        await using var subscription = await subscriber.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.headers.own", (_, m, _) =>
        {
            received.Enqueue(m);
            return ValueTask.CompletedTask;
        });
        await using var publisher = await StartHeadersFormatAsync("shop", server.Url);
        var broker = publisher.Services.GetRequiredService<IBroker>();
        var sent = 0;
        var waited = 0;
        for (var round = 0; round < 40 && (round == 0 || Volatile.Read(ref waited) == 0); round++)
        {
            var current = round;
            await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
            {
                for (var i = 0; i < PerRound; i++)
                {
                    var publish = broker.PublishAsync("nats.headers.own", OwnHeadersMessage($"{current}.{p}.{i}"));
                    if (!publish.IsCompleted)
                    {
                        Interlocked.Increment(ref waited);
                    }

                    await publish;
                    Interlocked.Increment(ref sent);
                }
            }))).WaitAsync(TimeSpan.FromMinutes(1));
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (received.Count < sent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        output.WriteLine($"published {sent}, {waited} of them waited for NATS.Net's write lock, received {received.Count}");
        Assert.True(waited > 0, "no publish waited for NATS.Net's write lock in 40 rounds: the path under test did not run");
        Assert.Equal(sent, received.Count);
        AssertOwnHeaders(received);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Subscribe_HandlerSlowerThanTheSubscriptionBuffer_ExcessDroppedLoggedCountedAndTheRestDelivered()
    {
        const int Sent = 50;
        var delivered = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var subscriber = await StartSubscriberAsync(pending: 4, s => s.AddFakeLogging());
        using var dropped = new MetricCollector<long>(subscriber.Services.GetRequiredService<IMeterFactory>(), "MicroHosting", "microhosting.broker.dropped");
        await using var subscription = await subscriber.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.slow", async (_, _, _) =>
        {
            await release.Task;
            Interlocked.Increment(ref delivered);
        });
        await using var publisher = await StartAsync("shop");
        var broker = publisher.Services.GetRequiredService<IBroker>();
        for (var i = 0; i < Sent; i++)
        {
            await broker.PublishAsync("nats.slow", new BrokerMessage([new("Content-Type", "text/plain")], "order"u8.ToArray()));
        }

        // The handler holds the first message: beyond the buffer of 4 the rest is dropped as NATS.Net's own subscription drops it.
        long Dropped() => dropped.GetMeasurementSnapshot().Where(m => Equals(m.Tags["reason"], "slow_consumer")).Sum(m => m.Value);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (Dropped() < Sent - 5 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        release.SetResult();
        while (Volatile.Read(ref delivered) + Dropped() < Sent && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        await Task.Delay(200);
        output.WriteLine($"sent {Sent}, delivered {delivered}, dropped {Dropped()}");
        Assert.Equal(Sent, Volatile.Read(ref delivered) + Dropped());
        Assert.InRange(Volatile.Read(ref delivered), 1, 5);
        Assert.Equal(Dropped(), subscriber.Services.GetFakeLogCollector().GetSnapshot().Count(r => r.Id.Name == "NatsMessageDropped"));
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_HeadersFormatServerRestartsUnderConcurrentPublishers_EveryDeliveredMessageHasExactlyItsOwnHeaders()
    {
        // Publishes that wait for the connection hold their headers across the outage while others fail and publish again.
        const int Publishers = 8;
        await using var own = await NatsServer.StartAsync();
        var received = new System.Collections.Concurrent.ConcurrentQueue<BrokerMessage>();
        await using var subscriber = await StartHeadersFormatAsync("audit", own.Url);
        await using var subscription = await subscriber.Services.GetRequiredService<IBroker>().SubscribeAsync("nats.headers.outage", (_, m, _) =>
        {
            received.Enqueue(m);
            return ValueTask.CompletedTask;
        });
        await using var publisher = await StartHeadersFormatAsync("shop", own.Url, publishTimeout: TimeSpan.FromSeconds(1));
        var broker = (NatsBroker)publisher.Services.GetRequiredService<IBroker>();
        var succeeded = 0;
        var failed = 0;
        var stop = 0;
        var publishers = Enumerable.Range(0, Publishers).Select(p => Task.Run(async () =>
        {
            for (var i = 0; Volatile.Read(ref stop) == 0; i++)
            {
                try
                {
                    await broker.PublishAsync("nats.headers.outage", OwnHeadersMessage($"{p}.{i}"));
                    Interlocked.Increment(ref succeeded);
                }
                catch (MicroException)
                {
                    Interlocked.Increment(ref failed);
                    await Task.Delay(10);
                }
            }
        })).ToArray();
        while (Volatile.Read(ref succeeded) < 2_000)
        {
            await Task.Delay(10);
        }

        await own.RestartAsync(TimeSpan.FromMilliseconds(1500));

        // Core NATS loses what was in flight and what was published before the subscriber subscribed again: publishing
        // goes on until the subscriber has received a good share after the restart.
        var receivedBefore = received.Count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (received.Count < receivedBefore + 2_000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Volatile.Write(ref stop, 1);
        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromMinutes(1));
        var quiet = received.Count;
        do
        {
            quiet = received.Count;
            await Task.Delay(300);
        }
        while (received.Count != quiet);

        output.WriteLine($"published {succeeded}, {failed} publishes failed during the outage, received {receivedBefore} before the restart and {received.Count} in all");
        Assert.True(received.Count >= receivedBefore + 2_000, $"publishing did not resume after the restart: received {received.Count}, {receivedBefore} of them before");
        Assert.True(failed > 0, "no publish failed: the outage did not hit the publishers");
        AssertOwnHeaders(received, resentOnReconnect: true);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Publish_ServerStopsUnderConcurrentPublishing_EveryPublisherGets503WithTheFixAndEverySuccessIsCounted()
    {
        const int Publishers = 16;
        await using var own = await NatsServer.StartAsync();
        await using var publisher = await StartPublisherAsync(own.Url);
        var meters = publisher.Services.GetRequiredService<IMeterFactory>();
        using var published = new MetricCollector<long>(meters, "MicroHosting", "microhosting.broker.published");
        using var dropped = new MetricCollector<long>(meters, "MicroHosting", "microhosting.broker.dropped");
        var broker = publisher.Services.GetRequiredService<IBroker>();
        var succeeded = 0;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var publishers = Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await broker.PublishAsync("nats.outage.concurrent", new BrokerMessage([new("Content-Type", "text/plain")], "order"u8.ToArray()));
                    Interlocked.Increment(ref succeeded);
                }
                catch (Exception ex)
                {
                    failures.Enqueue(ex);
                    return;
                }
            }
        })).ToArray();
        while (Volatile.Read(ref succeeded) < 20_000 && failures.IsEmpty)
        {
            await Task.Delay(10);
        }

        // Publishers waiting for NATS.Net's write lock when the connection drops, and those that start while it is down.
        own.Stop();
        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromMinutes(1));

        output.WriteLine($"published {succeeded} before the outage stopped every publisher; failures: {string.Join(" | ", failures.Select(f => f.GetType().Name + ": " + f.Message).Distinct())}");
        Assert.Equal(Publishers, failures.Count);
        Assert.All(failures, f =>
        {
            var error = Assert.IsType<MicroException>(f);
            Assert.Equal(503, error.Code);
            Assert.Equal("go.micro.broker", error.Id);
            Assert.Contains(own.Url, error.Detail, StringComparison.Ordinal);
        });
        Assert.Equal(succeeded, published.GetMeasurementSnapshot().Sum(m => m.Value));
        Assert.Equal(Publishers, dropped.GetMeasurementSnapshot().Sum(m => m.Value));

        // NATS.Net's dispose waits for the server while reconnecting: end the outage first.
        await own.StartAgainAsync();
        var nats = (NatsBroker)broker;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (nats.State != NATS.Client.Core.NatsConnectionState.Open && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Stop_DuringAnOutageWithPublishesInFlight_TheAppStopsWithoutThrowing()
    {
        const int Publishers = 8;
        await using var own = await NatsServer.StartAsync();
        var sink = new MessageSink<int>();
        await using var subscriber = await StartAsync("audit", s => s.AddMicroSubscriber<OrderPlaced>("nats.outage.stop", (o, _) => Add(sink, o.Amount)), own.Url);
        var publisher = await StartPublisherAsync(own.Url, s => s.AddFakeLogging());
        var broker = publisher.Services.GetRequiredService<IBroker>();
        var succeeded = 0;
        var publishers = Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                try
                {
                    await broker.PublishAsync("nats.outage.stop", new BrokerMessage([new("Content-Type", "text/plain")], "order"u8.ToArray()));
                    Interlocked.Increment(ref succeeded);
                }
                catch (MicroException)
                {
                    return;
                }
            }
        })).ToArray();
        while (Volatile.Read(ref succeeded) < 2_000)
        {
            await Task.Delay(10);
        }

        // The server goes away for good while publishes are in flight, then the app stops: what a rolling restart
        // during a NATS outage does.
        own.Stop();
        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromMinutes(1));

        // NATS.Net raises its connection events on a task of its own: the app has seen the outage before it stops.
        var logs = publisher.Services.GetFakeLogCollector();
        Assert.True(await Poll.UntilAsync(() => logs.GetSnapshot().Any(r => r.Id.Name == "NatsDisconnected"), TimeSpan.FromSeconds(30)), "no NatsDisconnected log");
        await publisher.StopAsync();
        var error = await Record.ExceptionAsync(async () => await publisher.DisposeAsync());

        Assert.Null(error);
        output.WriteLine(string.Join(Environment.NewLine, logs.GetSnapshot().Select(r => $"{r.Id.Name}: {r.Message} {r.Exception?.GetType().Name}")));
    }

    [Fact]
    public void NormalizeUrl_GoMicroHostPortList_BecomesNatsUrls()
    {
        Assert.Equal("nats://127.0.0.1:4222,nats://10.0.0.2:4222", NatsConnectionProvider.NormalizeUrl("127.0.0.1:4222, nats://10.0.0.2:4222"));
    }

    [Fact]
    public void NormalizeUrl_Empty_ThrowsWithFix()
    {
        var error = Assert.Throws<InvalidOperationException>(() => NatsConnectionProvider.NormalizeUrl(" , "));
        Assert.Equal("The NATS broker address is empty: set MICRO_BROKER_ADDRESS (for example 127.0.0.1:4222) or AddNatsBroker(o => o.Url = \"nats://host:4222\").", error.Message);
    }

    private static IMicroPublisher Publisher(WebApplication app) => app.Services.GetRequiredService<IMicroPublisher>();

    /// <summary>A message whose headers depend on its id (<paramref name="id"/>, also its body): some have more than others.</summary>
    private static BrokerMessage OwnHeadersMessage(string id) => new(OwnHeaders(id), System.Text.Encoding.UTF8.GetBytes(id));

    private static KeyValuePair<string, string>[] OwnHeaders(string id)
    {
        var seed = id.GetHashCode(StringComparison.Ordinal) & 0x7fffffff;
        if (seed % 5 == 0)
        {
            // No header block at all.
            return [];
        }

        var headers = new List<KeyValuePair<string, string>> { new("Content-Type", "text/plain"), new("Micro-Id", id) };
        if (seed % 2 == 1)
        {
            headers.Add(new("Odd", id));
        }

        if (seed % 3 == 0)
        {
            headers.Add(new("Third", id + new string('t', seed % 40)));
        }

        return [.. headers];
    }

    /// <param name="received">The messages received.</param>
    /// <param name="resentOnReconnect">A reconnect may send NATS.Net's unflushed buffer again: a message may then arrive twice, each time with its own headers.</param>
    private static void AssertOwnHeaders(IEnumerable<BrokerMessage> received, bool resentOnReconnect = false)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var message in received)
        {
            var id = System.Text.Encoding.UTF8.GetString(message.Body.Span);
            Assert.True(ids.Add(id) || resentOnReconnect, $"message {id} delivered twice");
            Assert.Equal(OwnHeaders(id).OrderBy(h => h.Key, StringComparer.Ordinal), message.HeaderItems.ToArray().OrderBy(h => h.Key, StringComparer.Ordinal));
        }
    }

    /// <summary>An app whose NATS broker publishes in the Headers format, with a subscription buffer no test here fills.</summary>
    private static Task<WebApplication> StartHeadersFormatAsync(string name, string url, TimeSpan? publishTimeout = null)
        => MicroTestHost.StartAsync(
            name,
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o =>
            {
                o.Url = url;
                o.MessageFormat = NatsMessageFormat.Headers;
                o.PublishTimeout = publishTimeout ?? o.PublishTimeout;
                o.ConfigureNats = opts => opts with { SubPendingChannelCapacity = 1_000_000 };
            }));

    private Task<WebApplication> StartAsync(string name, Action<IServiceCollection>? services = null, string? url = null)
        => MicroTestHost.StartAsync(
            name,
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o => o.Url = url ?? server.Url),
            configureBuilder: b => services?.Invoke(b.Services));

    /// <summary>A subscribing app on the fixture's server whose NATS subscriptions buffer <paramref name="pending"/> messages.</summary>
    private Task<WebApplication> StartSubscriberAsync(int pending, Action<IServiceCollection>? services = null)
        => MicroTestHost.StartAsync(
            "audit",
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o =>
            {
                o.Url = server.Url;
                o.ConfigureNats = opts => opts with { SubPendingChannelCapacity = pending };
            }),
            configureBuilder: b => services?.Invoke(b.Services));

    /// <summary>A publishing app on a server of the test's own, whose publishes give up after 1 s of outage.</summary>
    private static Task<WebApplication> StartPublisherAsync(string url, Action<IServiceCollection>? services = null)
        => MicroTestHost.StartAsync(
            "shop",
            _ => { },
            new InMemoryRegistry(),
            configure: m => m.AddNatsBroker(o =>
            {
                o.Url = url;
                o.PublishTimeout = TimeSpan.FromSeconds(1);
            }),
            configureBuilder: b => services?.Invoke(b.Services));

    private static Task Add<T>(MessageSink<T> sink, T item)
    {
        sink.Add(item);
        return Task.CompletedTask;
    }

    private static async Task DisposeAll(IEnumerable<WebApplication> apps)
    {
        foreach (var app in apps)
        {
            await app.DisposeAsync();
        }
    }
}
