using System.Diagnostics.Metrics;
using System.Threading.Tasks.Sources;
using MicroHosting.Broker.Nats.Internal;
using MicroHosting.TestUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using NATS.Client.Core;

namespace MicroHosting.Broker.Nats.Tests.Internal;

/// <summary>
/// A publish that waited for NATS.Net's write lock, driven by a stand-in for NATS.Net's pending publish (a pooled
/// <see cref="IValueTaskSource"/>, as NATS.Net's is) that records how it is consumed.
/// </summary>
public sealed class NatsPendingPublishTests : IDisposable
{
    private readonly ServiceProvider _services;
    private readonly NatsBroker _broker;
    private readonly MetricCollector<long> _published;
    private readonly MetricCollector<long> _dropped;

    public NatsPendingPublishTests()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());

        // Nothing listens there: the connection is never open, as during an outage.
        services.AddMicroCore().AddNatsBroker(o =>
        {
            o.Url = "nats://127.0.0.1:1";
            o.PublishTimeout = TimeSpan.FromSeconds(2);
        });
        _services = services.BuildServiceProvider();
        _broker = (NatsBroker)_services.GetRequiredKeyedService<IBroker>("nats");
        var meters = _services.GetRequiredService<IMeterFactory>();
        _published = new MetricCollector<long>(meters, "MicroHosting", "microhosting.broker.published");
        _dropped = new MetricCollector<long>(meters, "MicroHosting", "microhosting.broker.dropped");
    }

    [Fact]
    public async Task Await_NatsTakesMessageLater_CallerResumesAndPublishCountedOnce()
    {
        var inner = new StandInPublish();
        var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders");
        Assert.False(publish.IsCompleted);

        var awaiting = AwaitAsync(publish);
        Assert.False(awaiting.IsCompleted);
        Assert.Equal(0, Published());

        inner.Succeed();
        await awaiting;

        Assert.Equal(1, Published());
        Assert.Equal("orders", _published.GetMeasurementSnapshot().Single().Tags["topic"]);
        Assert.Equal(1, inner.OnCompletedCalls);
        Assert.Equal(1, inner.GetResultCalls);
    }

    [Fact]
    public async Task Start_NatsDoneMeanwhile_EndedAtOnceWithoutContinuation()
    {
        var inner = new StandInPublish();
        inner.Succeed();

        var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders");

        Assert.True(publish.IsCompletedSuccessfully);
        Assert.Equal(1, Published());
        await publish;
        Assert.Equal(1, Published());
        Assert.Equal(0, inner.OnCompletedCalls);
        Assert.Equal(1, inner.GetResultCalls);
    }

    [Fact]
    public void NotAwaited_NatsTakesMessage_CountedThenAsWell()
    {
        var inner = new StandInPublish();
        _ = NatsPendingPublish.Start(_broker, inner.Task, "orders");

        inner.Succeed();

        Assert.Equal(1, Published());
        Assert.Equal(1, inner.GetResultCalls);
    }

    [Fact]
    public void Start_WithRentedHeaders_HeadersHeldUntilNatsTakesTheMessageThenFreedCleared()
    {
        // Synchronous on purpose: the headers pool is per thread, and the stand-in completes its continuation inline.
        var inner = new StandInPublish();
        var headers = NatsPublishHeaders.Rent(Message("first"), NatsMessageFormat.Headers)!;
        _ = NatsPendingPublish.Start(_broker, inner.Task, "orders", headers);

        // NATS.Net still owns them (it could still be connecting): another publish meanwhile gets its own.
        var meanwhile = NatsPublishHeaders.Rent(Message("meanwhile"), NatsMessageFormat.Headers)!;
        Assert.NotSame(headers, meanwhile);
        Assert.Equal("first", headers["Micro-Id"].ToString());
        NatsPublishHeaders.Return(meanwhile);

        inner.Succeed();

        var next = NatsPublishHeaders.Rent(Message("next"), NatsMessageFormat.Headers)!;
        Assert.Same(headers, next);
        Assert.Equal(["Content-Type", "Micro-Id"], next.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("next", next["Micro-Id"].ToString());
        NatsPublishHeaders.Return(next);
    }

    [Fact]
    public void Start_WithRentedHeadersNatsFails_HeadersFreedToo()
    {
        var inner = new StandInPublish();
        var headers = NatsPublishHeaders.Rent(Message("failed"), NatsMessageFormat.Headers)!;
        var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders", headers);

        inner.Fail(new NatsException("timeout"));

        Assert.Throws<MicroException>(() => publish.GetAwaiter().GetResult());
        var next = NatsPublishHeaders.Rent(Message("next"), NatsMessageFormat.Headers)!;
        Assert.Same(headers, next);
        Assert.Equal("next", next["Micro-Id"].ToString());
        NatsPublishHeaders.Return(next);
    }

    [Fact]
    public async Task Await_Twice_SecondThrowsAndNothingMoreIsCountedOrRead()
    {
        var inner = new StandInPublish();
        var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders");
        inner.Succeed();
        await publish;

        // The pooled source has moved on: a second await must not read NATS.Net's result (or another publish's) again.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(async () => await publish);
        Assert.Contains("awaited only once", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => publish.IsCompleted);

        Assert.Equal(1, Published());
        Assert.Equal(1, inner.GetResultCalls);
    }

    [Fact]
    public async Task Await_AfterSourceReusedByNextPublish_ThrowsAndNextPublishUnaffected()
    {
        var first = new StandInPublish();
        var stale = NatsPendingPublish.Start(_broker, first.Task, "orders");
        first.Succeed();
        await stale;

        // Same thread: the next pending publish gets the same pooled source, with a new version.
        var second = new StandInPublish();
        var next = NatsPendingPublish.Start(_broker, second.Task, "orders");
        Assert.Throws<InvalidOperationException>(() => stale.IsCompleted);
        Assert.Throws<InvalidOperationException>(() => stale.GetAwaiter().GetResult());

        second.Succeed();
        await next;
        Assert.Equal(2, Published());
        Assert.Equal(1, second.GetResultCalls);
    }

    [Fact]
    public async Task Await_NatsTimesOutWhileDisconnected_503WithTheFixAndCountedAsDropped()
    {
        var inner = new StandInPublish();
        var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders");
        var awaiting = AwaitAsync(publish);

        var timeout = new NatsException("timeout");
        inner.Fail(timeout);
        var error = await Assert.ThrowsAsync<MicroException>(() => awaiting);

        Assert.Equal(503, error.Code);
        Assert.Equal("go.micro.broker", error.Id);
        Assert.StartsWith("The NATS broker could not publish to 'orders' within 2 s (Micro:Nats:PublishTimeout): the connection to nats://127.0.0.1:1 is ", error.Detail, StringComparison.Ordinal);
        Assert.Contains("Check that nats-server is reachable", error.Detail, StringComparison.Ordinal);
        Assert.Same(timeout, error.InnerException);
        Assert.Equal(0, Published());
        Assert.Equal("publish_timeout", _dropped.GetMeasurementSnapshot().Single().Tags["reason"]);
        Assert.Equal(1, inner.GetResultCalls);
    }

    [ExternalServerFact("nats-server", "nats-server")]
    public async Task Await_NatsTimesOutWhileTheConnectionStillLooksOpen_503WithTheFixAndCountedAsDropped()
    {
        // NATS.Net notices a killed server some time after its socket died; a publish waiting for its write lock meanwhile
        // gets NATS.Net's timeout while the connection still says Open. The caller gets the 503, not NATS.Net's exception.
        await using var server = await NatsServer.StartAsync();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore().AddNatsBroker(o =>
        {
            o.Url = server.Url;
            o.PublishTimeout = TimeSpan.FromSeconds(2);
        });
        await using var provider = services.BuildServiceProvider();
        var broker = (NatsBroker)provider.GetRequiredKeyedService<IBroker>("nats");
        using var dropped = new MetricCollector<long>(provider.GetRequiredService<IMeterFactory>(), "MicroHosting", "microhosting.broker.dropped");
        await broker.PublishAsync("orders", Message("connects"));
        Assert.Equal(NatsConnectionState.Open, broker.State);

        var inner = new StandInPublish();
        var awaiting = AwaitAsync(NatsPendingPublish.Start(broker, inner.Task, "orders"));
        var timeout = new NatsTimeoutException();
        inner.Fail(timeout);
        var error = await Assert.ThrowsAsync<MicroException>(() => awaiting);

        Assert.Equal((503, "go.micro.broker"), (error.Code, error.Id));
        Assert.StartsWith($"The NATS broker could not publish to 'orders' within 2 s (Micro:Nats:PublishTimeout): the connection to {server.Url} is ", error.Detail, StringComparison.Ordinal);
        Assert.Same(timeout, error.InnerException);
        Assert.Equal("publish_timeout", dropped.GetMeasurementSnapshot().Single().Tags["reason"]);
    }

    [Fact]
    public async Task Await_CallerCancelled_CancellationPassesThroughNotCounted()
    {
        var inner = new StandInPublish();
        var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders");
        var awaiting = AwaitAsync(publish);

        inner.Fail(new OperationCanceledException());

        await Assert.ThrowsAsync<OperationCanceledException>(() => awaiting);
        Assert.Equal(0, Published());
        Assert.Empty(_dropped.GetMeasurementSnapshot());
    }

    [Fact]
    public async Task OnCompleted_FlowsExecutionContextOnlyWhenAsked()
    {
        var local = new AsyncLocal<string>();
        var flowed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var unflowed = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new StandInPublish();
        var second = new StandInPublish();
        var flowing = NatsPendingPublish.Start(_broker, first.Task, "orders");
        local.Value = "caller";
        Register(flowing, flow: true, () => flowed.SetResult(local.Value));
        var notFlowing = NatsPendingPublish.Start(_broker, second.Task, "orders");
        Register(notFlowing, flow: false, () => unflowed.SetResult(local.Value));

        // NATS.Net completes its publish on a thread pool thread with a context of its own.
        await Task.Run(() =>
        {
            using (ExecutionContext.SuppressFlow())
            {
                Task.Run(() =>
                {
                    local.Value = "nats";
                    first.Succeed();
                    second.Succeed();
                }).Wait();
            }
        });

        Assert.Equal("caller", await flowed.Task);
        Assert.Equal("nats", await unflowed.Task);
        End(flowing);
        End(notFlowing);
        Assert.Equal(2, Published());
    }

    [Fact]
    public async Task OnCompleted_ResumesOnTheCallersSynchronizationContextUnlessConfiguredAwayFrom()
    {
        var context = new CountingSynchronizationContext();
        var first = new StandInPublish();
        var second = new StandInPublish();
        var onContext = NatsPendingPublish.Start(_broker, first.Task, "orders");
        var offContext = NatsPendingPublish.Start(_broker, second.Task, "orders");
        var resumedOn = new TaskCompletionSource<SynchronizationContext?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var resumedOff = new TaskCompletionSource<SynchronizationContext?>(TaskCreationOptions.RunContinuationsAsynchronously);

        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(context);
        try
        {
            onContext.GetAwaiter().UnsafeOnCompleted(() => resumedOn.SetResult(SynchronizationContext.Current));
            ResumeOffContext(offContext, () => resumedOff.SetResult(SynchronizationContext.Current));
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }

        await Task.Run(() =>
        {
            first.Succeed();
            second.Succeed();
        });

        Assert.Same(context, await resumedOn.Task);
        Assert.Null(await resumedOff.Task);
        Assert.Equal(1, context.Posts);
        End(onContext);
        End(offContext);
    }

    [Fact]
    public async Task Await_ManyConcurrentPublishesCompletedFromManyThreads_EveryAwaitCompletesAndEachCountedOnce()
    {
        const int Publishers = 32;
        const int PerPublisher = 500;
        var completions = System.Threading.Channels.Channel.CreateUnbounded<StandInPublish>();

        // Stand-ins for NATS.Net: four threads complete pending publishes in whatever order they come.
        var completers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await foreach (var pending in completions.Reader.ReadAllAsync())
            {
                pending.Succeed();
            }
        })).ToArray();
        var inners = new System.Collections.Concurrent.ConcurrentBag<StandInPublish>();
        var publishers = Enumerable.Range(0, Publishers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < PerPublisher; i++)
            {
                var inner = new StandInPublish();
                inners.Add(inner);
                var publish = NatsPendingPublish.Start(_broker, inner.Task, "orders");
                completions.Writer.TryWrite(inner);
                await publish;
            }
        })).ToArray();

        await Task.WhenAll(publishers).WaitAsync(TimeSpan.FromMinutes(2));
        completions.Writer.Complete();
        await Task.WhenAll(completers);

        Assert.Equal(Publishers * PerPublisher, Published());
        Assert.Equal(Publishers * PerPublisher, inners.Count);
        Assert.All(inners, i => Assert.Equal(1, i.GetResultCalls));
        Assert.All(inners, i => Assert.Equal(1, i.OnCompletedCalls));
    }

    public void Dispose()
    {
        _published.Dispose();
        _dropped.Dispose();
        _services.Dispose();
    }

    private static async Task AwaitAsync(ValueTask publish) => await publish;

    /// <summary>Reads the result of a publish whose continuation has run, as an awaiter does.</summary>
    private static void End(ValueTask publish) => publish.GetAwaiter().GetResult();

    private static void ResumeOffContext(ValueTask publish, Action continuation)
        => publish.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(continuation);

    /// <summary>Off the test's synchronization context, so that only the execution context decides what the continuation sees.</summary>
    private static void Register(ValueTask publish, bool flow, Action continuation)
    {
        var awaiter = publish.ConfigureAwait(false).GetAwaiter();
        if (flow)
        {
            awaiter.OnCompleted(continuation);
        }
        else
        {
            awaiter.UnsafeOnCompleted(continuation);
        }
    }

    private long Published() => _published.GetMeasurementSnapshot().Sum(m => m.Value);

    private static BrokerMessage Message(string id) => new([new("Content-Type", "text/plain"), new("Micro-Id", id)], "order"u8.ToArray());

    /// <summary>NATS.Net's pending publish: a one-shot <see cref="IValueTaskSource"/> that counts how it is consumed.</summary>
    private sealed class StandInPublish : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core;
        private int _onCompletedCalls;
        private int _getResultCalls;

        public ValueTask Task => new(this, _core.Version);

        public int OnCompletedCalls => Volatile.Read(ref _onCompletedCalls);

        public int GetResultCalls => Volatile.Read(ref _getResultCalls);

        public void Succeed() => _core.SetResult(true);

        public void Fail(Exception error) => _core.SetException(error);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            Interlocked.Increment(ref _onCompletedCalls);
            _core.OnCompleted(continuation, state, token, flags);
        }

        public void GetResult(short token)
        {
            Interlocked.Increment(ref _getResultCalls);
            _core.GetResult(token);
        }
    }

    private sealed class CountingSynchronizationContext : SynchronizationContext
    {
        private int _posts;

        public int Posts => Volatile.Read(ref _posts);

        public override void Post(SendOrPostCallback d, object? state)
        {
            Interlocked.Increment(ref _posts);
            ThreadPool.QueueUserWorkItem(_ =>
            {
                SetSynchronizationContext(this);
                d(state);
            });
        }
    }
}
