using System.Collections.Concurrent;
using System.Net;
using System.Text;
using MicroHosting.Client;
using MicroHosting.Client.Internal;
using MicroHosting.Registry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace MicroHosting.Tests.Client.Pipeline;

/// <summary>
/// A unary call's whole budget (<c>MicroCallDeadline</c>): the token the call's attempts and retry delays run with. When
/// it runs out, in an attempt or in a retry's backoff, no further attempt is made and the call fails as it always did:
/// Polly's <see cref="TimeoutRejectedException"/> inside the client (what client middleware sees), a 408
/// <see cref="MicroException"/> to the caller; the caller's own token still cancels.
/// </summary>
public sealed class MicroCallDeadlineTests : IAsyncDisposable
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WaitLimit = TimeSpan.FromSeconds(30);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private readonly TimerWatch _timers;
    private readonly ConcurrentQueue<MicroClientCallContext> _middlewareSaw = new();
    private ClientPipeline? _pipeline;
    private MicroNode? _node;

    public MicroCallDeadlineTests() => _timers = new TimerWatch(_time);

    public ValueTask DisposeAsync() => _pipeline?.DisposeAsync() ?? ValueTask.CompletedTask;

    [Fact]
    public async Task CallAsync_DeadlinePassesDuringARetryBackoff_408AndNoFurtherAttempt()
    {
        var pipeline = await StartAsync(retryDelay: TimeSpan.FromMinutes(10));
        pipeline.Stub.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)); // always retryable
        var state = pipeline.State(new MicroCallOptions { Timeout = Budget, Retries = 2 });
        using var invoker = DirectInvoker(pipeline);

        var call = Call(pipeline, invoker, state, CancellationToken.None);
        await WaitUntilAsync(() => _timers.Created(dueAtLeast: TimeSpan.FromSeconds(3))); // the retry's backoff has begun
        _time.Advance(Budget);

        var error = await Assert.ThrowsAsync<MicroException>(() => call.WaitAsync(WaitLimit));
        Assert.Equal(408, error.Code);
        Assert.StartsWith("call to greeter Greeter.Hello timed out after 2s (MicroClientOptions.RequestTimeout / MicroCallOptions.Timeout); 1 attempt(s)", error.Detail, StringComparison.Ordinal);
        Assert.IsType<TimeoutRejectedException>(error.InnerException);
        Assert.Single(pipeline.Stub.Sent);
    }

    [Fact]
    public async Task CallAsync_DeadlinePassesInsideAnAttemptOnAHungNode_408AndTheNodeCharged()
    {
        var pipeline = await StartAsync();
        var entered = HangEveryAttempt(pipeline);
        var state = pipeline.State(new MicroCallOptions { Timeout = Budget });
        using var invoker = DirectInvoker(pipeline);

        var call = Call(pipeline, invoker, state, CancellationToken.None);
        await entered.Task.WaitAsync(WaitLimit);
        _time.Advance(Budget);

        var error = await Assert.ThrowsAsync<MicroException>(() => call.WaitAsync(WaitLimit));
        Assert.Equal(408, error.Code);
        Assert.EndsWith("1 attempt(s)", error.Detail, StringComparison.Ordinal);
        Assert.Single(pipeline.Stub.Sent);
        Assert.Equal(1, pipeline.Health(_node!).Failures);
    }

    [Fact]
    public async Task SendAsync_DeadlinePasses_ClientMiddlewareSeesTimeoutRejectedExceptionAnd408()
    {
        var pipeline = await StartAsync(middleware: true);
        var entered = HangEveryAttempt(pipeline);
        var state = pipeline.State(new MicroCallOptions { Timeout = Budget });
        using var request = ClientPipeline.Request(state);
        using var invoker = pipeline.Call();

        var send = invoker.SendAsync(request, CancellationToken.None);
        await entered.Task.WaitAsync(WaitLimit);
        _time.Advance(Budget);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => send.WaitAsync(WaitLimit));
        var seen = Assert.Single(_middlewareSaw);
        Assert.IsType<TimeoutRejectedException>(seen.Error);
        Assert.Equal(408, seen.StatusCode);
        Assert.Equal(1, seen.Attempts);
    }

    [Fact]
    public async Task CallAsync_CallerCancelsDuringARetryBackoff_CancelledWithTheCallersTokenAndNoFurtherAttempt()
    {
        var pipeline = await StartAsync(retryDelay: TimeSpan.FromMinutes(10));
        pipeline.Stub.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var state = pipeline.State(new MicroCallOptions { Timeout = Budget, Retries = 2 });
        using var invoker = DirectInvoker(pipeline);
        using var caller = new CancellationTokenSource();

        var call = Call(pipeline, invoker, state, caller.Token);
        await WaitUntilAsync(() => _timers.Created(dueAtLeast: TimeSpan.FromSeconds(3)));
        await caller.CancelAsync();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(WaitLimit));
        Assert.Equal(caller.Token, error.CancellationToken);
        Assert.Single(pipeline.Stub.Sent);
    }

    [Fact]
    public async Task CallAsync_ReplyWithinTheBudget_TheBudgetsTimerIsStopped()
    {
        var pipeline = await StartAsync();
        pipeline.Stub.Respond = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent("""{"message":"Hello John"}""", Encoding.UTF8, "application/json"),
        });
        var state = pipeline.State(new MicroCallOptions { Timeout = Budget });
        using var invoker = DirectInvoker(pipeline);

        var reply = await Call(pipeline, invoker, state, CancellationToken.None).WaitAsync(WaitLimit);

        Assert.Equal("Hello John", reply.Message);
        Assert.Single(pipeline.Stub.Sent);
        Assert.Equal(0, _timers.Pending(Budget));
    }

    private async Task<ClientPipeline> StartAsync(TimeSpan? retryDelay = null, bool middleware = false)
    {
        _pipeline = new ClientPipeline(
            new() { ["Micro:Client:RetryDelay"] = (retryDelay ?? TimeSpan.FromMilliseconds(1)).ToString() },
            services =>
            {
                services.AddSingleton<TimeProvider>(_timers);
                if (middleware)
                {
                    services.AddMicroClientMiddleware(async (call, next) =>
                    {
                        try
                        {
                            await next(call);
                        }
                        finally
                        {
                            _middlewareSaw.Enqueue(call);
                        }
                    });
                }
            });
        _node = await _pipeline.AddNodeAsync(50301);
        return _pipeline;
    }

    /// <summary>The invoker <c>IMicroClient</c> uses: <see cref="MicroCaller"/> runs the call's setup itself.</summary>
    private static MicroCallInvoker DirectInvoker(ClientPipeline pipeline)
    {
        var invoker = new MicroCallInvoker(new MicroCallSetupHandler(pipeline.Runtime, profile: null)
        {
            InnerHandler = new MicroResolutionHandler(pipeline.Runtime) { InnerHandler = pipeline.Stub },
        });
        Assert.NotNull(invoker.DirectSetup);
        return invoker;
    }

    /// <summary>Calls <c>Greeter.Hello</c> as <c>IMicroClient</c> does, with the plan of <paramref name="state"/>.</summary>
    private static Task<HelloReply> Call(ClientPipeline pipeline, HttpMessageInvoker invoker, MicroCallState state, CancellationToken cancellationToken)
        => new MicroCaller(pipeline.Runtime).CallAsync<HelloRequest, HelloReply>(
            invoker, profile: null, state.Service, state.Endpoint!, new HelloRequest("John"), state.Plan.Options, cancellationToken);

    private static TaskCompletionSource HangEveryAttempt(ClientPipeline pipeline)
    {
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        pipeline.Stub.Respond = async (_, token) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, token);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        return entered;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var limit = new CancellationTokenSource(WaitLimit);
        while (!condition())
        {
            await Task.Delay(5, limit.Token);
        }
    }

    /// <summary>A <see cref="FakeTimeProvider"/> that records the timers it creates, to see a retry's backoff begin.</summary>
    private sealed class TimerWatch(FakeTimeProvider time) : TimeProvider
    {
        private readonly ConcurrentQueue<(TimeSpan Due, ITimer Timer)> _created = new();

        public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

        public override long TimestampFrequency => time.TimestampFrequency;

        /// <summary>Gets how many timers of <paramref name="due"/> created through this provider have not fired or been stopped.</summary>
        public int Pending(TimeSpan due) => _created.Count(t => t.Due == due && t.Timer is WatchedTimer { Done: false });

        public override DateTimeOffset GetUtcNow() => time.GetUtcNow();

        public override long GetTimestamp() => time.GetTimestamp();

        public bool Created(TimeSpan dueAtLeast) => _created.Any(t => t.Due >= dueAtLeast);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var watched = new WatchedTimer();
            watched.Inner = time.CreateTimer(
                s =>
                {
                    watched.Done = period == Timeout.InfiniteTimeSpan;
                    callback(s);
                },
                state,
                dueTime,
                period);
            _created.Enqueue((dueTime, watched));
            return watched;
        }

        private sealed class WatchedTimer : ITimer
        {
            public ITimer Inner { get; set; } = null!;

            public bool Done { get; set; }

            public bool Change(TimeSpan dueTime, TimeSpan period)
            {
                Done = dueTime == Timeout.InfiniteTimeSpan;
                return Inner.Change(dueTime, period);
            }

            public void Dispose()
            {
                Done = true;
                Inner.Dispose();
            }

            public ValueTask DisposeAsync()
            {
                Done = true;
                return Inner.DisposeAsync();
            }
        }
    }
}
