using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using BenchmarkDotNet.Attributes;
using MicroHosting.Broker;
using MicroHosting.Broker.Nats.Internal;
using MicroHosting.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using NATS.Client.Core;

namespace MicroHosting.Benchmarks.Micro;

/// <summary>
/// A publish that waited for NATS.Net's write lock (most of them with 16 publishers): from NATS.Net completing its
/// pending publish to the caller's await resuming, through what the broker puts in between. The stand-in for NATS.Net's
/// publish is a pooled <see cref="IValueTaskSource"/> completed on the benchmark's thread, as NATS.Net's is on the thread
/// that released its lock. Public and unsealed for BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
public class NatsPendingPublishBenchmarks : IDisposable
{
    private const string Topic = "bench.orders";
    private readonly PendingPublish _publish = new();
    private ServiceProvider? _services;
    private NatsBroker? _broker;
    private MicroMetrics? _metrics;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddMicroCore().AddNatsBroker(o => o.Url = "nats://127.0.0.1:1");
        _services = services.BuildServiceProvider();
        _broker = (NatsBroker)_services.GetRequiredKeyedService<IBroker>("nats");
        _metrics = _services.GetRequiredService<MicroMetrics>();
    }

    [Benchmark(Baseline = true, Description = "NATS.Net's pending publish to the caller (no count, no 503)")]
    public void Direct() => Resume(_publish.Start());

    [Benchmark(Description = "broker before: pooled async method awaiting it")]
    public void AsyncMethod() => Resume(AwaitPublishAsync(_publish.Start()));

    [Benchmark(Description = "broker after: NatsPendingPublish, signalled from NATS.Net's continuation")]
    public void Signalled() => Resume(NatsPendingPublish.Start(_broker!, _publish.Start(), Topic));

    [Benchmark(Description = "alternative: the caller's continuation forwarded to NATS.Net's publish")]
    public void Forwarded() => Resume(ForwardedPublish.Start(_metrics!, _publish.Start()));

    [Benchmark(Description = "alternative: AsTask().ContinueWith")]
    public void ContinueWith() => Resume(new ValueTask(_publish.Start().AsTask().ContinueWith(
        static (t, metrics) =>
        {
            t.GetAwaiter().GetResult();
            ((MicroMetrics)metrics!).Published("nats", Topic);
        },
        _metrics,
        CancellationToken.None,
        TaskContinuationOptions.ExecuteSynchronously,
        TaskScheduler.Default)));

    public void Dispose()
    {
        _services?.Dispose();
        GC.SuppressFinalize(this);
    }

    private void Resume(ValueTask publish)
    {
        var caller = CallerAsync(publish);
        _publish.Complete();
        caller.GetAwaiter().GetResult();
    }

    /// <summary>The publishing loop's await (pooled, so that the caller's own box is not measured).</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private static async ValueTask CallerAsync(ValueTask publish) => await publish.ConfigureAwait(false);

    /// <summary>What <c>NatsBroker</c> did before: await NATS.Net's publish, then count it or map the outage.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask AwaitPublishAsync(ValueTask publish)
    {
        try
        {
            await publish.ConfigureAwait(false);
        }
        catch (NatsException ex) when (_broker!.State != NatsConnectionState.Open)
        {
            throw new MicroException("go.micro.broker", 503, "not sent", innerException: ex);
        }

        _metrics!.Published("nats", Topic);
    }

    /// <summary>
    /// The other way tried: the caller's continuation registered on NATS.Net's publish itself (its flags passed on), the
    /// publish ended in <see cref="GetResult"/>. As fast, but a publish whose ValueTask is never awaited is never counted.
    /// </summary>
    private sealed class ForwardedPublish : IValueTaskSource
    {
        [ThreadStatic]
        private static ForwardedPublish? t_cached;

        private readonly Action _resume;
        private MicroMetrics? _metrics;
        private ValueTask _publish;
        private Action<object?>? _continuation;
        private object? _state;
        private short _version;

        private ForwardedPublish() => _resume = Resume;

        public static ValueTask Start(MicroMetrics metrics, ValueTask publish)
        {
            var forwarded = t_cached ?? new ForwardedPublish();
            t_cached = null;
            forwarded._metrics = metrics;
            forwarded._publish = publish;
            return new ValueTask(forwarded, forwarded._version);
        }

        public ValueTaskSourceStatus GetStatus(short token)
        {
            Check(token);
            var publish = _publish;
            return !publish.IsCompleted ? ValueTaskSourceStatus.Pending
                : publish.IsCompletedSuccessfully ? ValueTaskSourceStatus.Succeeded
                : publish.IsCanceled ? ValueTaskSourceStatus.Canceled
                : ValueTaskSourceStatus.Faulted;
        }

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        {
            Check(token);
            _continuation = continuation;
            _state = state;
            var awaiter = _publish.ConfigureAwait((flags & ValueTaskSourceOnCompletedFlags.UseSchedulingContext) != 0).GetAwaiter();
            if ((flags & ValueTaskSourceOnCompletedFlags.FlowExecutionContext) != 0)
            {
                awaiter.OnCompleted(_resume);
            }
            else
            {
                awaiter.UnsafeOnCompleted(_resume);
            }
        }

        public void GetResult(short token)
        {
            Check(token);
            var metrics = _metrics!;
            var publish = _publish;
            _metrics = null;
            _publish = default;
            _version = unchecked((short)(_version + 1));
            t_cached = this;
            publish.GetAwaiter().GetResult();
            metrics.Published("nats", Topic);
        }

        private void Resume()
        {
            var continuation = _continuation!;
            var state = _state;
            _continuation = null;
            _state = null;
            continuation(state);
        }

        private void Check(short token)
        {
            if (token != _version)
            {
                throw new InvalidOperationException("awaited twice");
            }
        }
    }

    private sealed class PendingPublish : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core;

        public ValueTask Start()
        {
            _core.Reset();
            return new ValueTask(this, _core.Version);
        }

        public void Complete() => _core.SetResult(true);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
            => _core.OnCompleted(continuation, state, token, flags);

        public void GetResult(short token) => _core.GetResult(token);
    }
}
